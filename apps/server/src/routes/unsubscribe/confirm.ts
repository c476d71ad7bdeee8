import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses } from "../schemas";
import { htmlPage, unsubscribedPage } from "./pages";
import { htmlContent, tokenParams } from "./schema";

const route = createRoute({
  method: "post",
  path: "/u/{token}",
  operationId: "unsubscribe",
  // The token is the credential: mailbox providers post it without any key (RFC 8058).
  security: [],
  summary: "Unsubscribe (RFC 8058 one-click)",
  description:
    "No API key: the signed token names the message and its recipient. Adds the recipient to the suppression list (reason `unsubscribe`) and records an `unsubscribed` event for the message (timeline, feed, webhooks), once however often it is posted. Takes RFC 8058's form body `List-Unsubscribe=One-Click` (what mailbox providers send) or the confirmation page's form; the body is not needed. A forged or altered token, or an unknown message, answers 404 and changes nothing.",
  request: { params: tokenParams },
  responses: {
    200: { description: "Unsubscribed", content: htmlContent },
    ...errorResponses([404, "The token is not valid"], 413),
  },
});

/** `POST /u/:token`. */
export function registerUnsubscribe(app: App): void {
  app.openAPIRegistry.registerPath(route);
  app.post("/u/:token", async (c) => {
    await c.get("services").unsubscribe.unsubscribe(c.req.param("token"), {
      userAgent: c.req.header("user-agent"),
    });
    return htmlPage(c, unsubscribedPage);
  });
}
