import type { Context } from "hono";
import type { AppEnv } from "../../app-env";

// The pages are static text: nothing from the request or the message is written into them, so
// there is nothing to escape, and they show no address to whoever holds a forwarded link.
const style =
  "body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}" +
  "button{font-size:1rem;padding:.6rem 1.2rem;cursor:pointer}";

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>${style}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/**
 * The confirmation page of `GET /u/:token`. The form posts to the same address with the body an
 * RFC 8058 client sends, so both reach one handler.
 */
export const confirmationPage = page(
  "Unsubscribe",
  `<h1>Unsubscribe?</h1>
<p>You will no longer receive these emails at this address.</p>
<form method="post">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button>
</form>`,
);

/** What `POST /u/:token` answers once the address is suppressed. */
export const unsubscribedPage = page(
  "Unsubscribed",
  `<h1>You are unsubscribed</h1>
<p>You will no longer receive these emails at this address.</p>`,
);

/**
 * Answers one of the pages. They are never cached (the link is personal), never framed, load
 * nothing, post only to themselves, and send no referrer that would carry the token elsewhere.
 */
export function htmlPage(c: Context<AppEnv>, html: string) {
  c.header("Cache-Control", "no-store");
  c.header(
    "Content-Security-Policy",
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("X-Robots-Tag", "noindex");
  return c.html(html, 200);
}
