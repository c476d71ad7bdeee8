import { z } from "zod";
import { postmarkWebhookSettingsSchema } from "./postmark-webhook-settings";

/** A `fetch` the SDK calls instead of the global one (tests, proxies, custom dispatchers). */
export type PostmarkFetch = (
  input: Parameters<typeof fetch>[0],
  init?: RequestInit,
) => Promise<Response>;

/** Settings of one Postmark server (one server token); several may coexist under other names. */
export const postmarkSettingsSchema = z
  .object({
    /** The configured provider name (`postmark`, `postmark-eu`), used in errors and logs. */
    name: z.string().min(1),
    /** The server's API token, sent as `X-Postmark-Server-Token`. */
    serverToken: z.string().trim().min(1),
    /** Where the API lives; a port and a path prefix are kept (`http://127.0.0.1:4012/prefix`). */
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .refine((value) => {
        const url = new URL(value);
        return url.search === "" && url.hash === "";
      }, "must not have a query or fragment")
      .default("https://api.postmarkapp.com"),
    /** The message stream transactional mail goes to. */
    messageStream: z.string().min(1).default("outbound"),
    /** The adapter's own ceiling for one call, in ms; the caller's signal may end it sooner. */
    timeoutMs: z.number().int().positive().default(15_000),
    /** Basic-auth credentials Postmark's webhooks will carry (not used by sending). */
    webhook: postmarkWebhookSettingsSchema.optional(),
    /** Replaces the global `fetch` under the SDK. */
    fetch: z
      .custom<PostmarkFetch>((value) => typeof value === "function", "must be a function")
      .optional(),
  })
  .strict();

/** What `createPostmarkProvider` takes (defaults may be omitted). */
export type PostmarkSettings = z.input<typeof postmarkSettingsSchema>;

/** Settings after validation, defaults filled in. */
export type ParsedPostmarkSettings = z.output<typeof postmarkSettingsSchema>;
