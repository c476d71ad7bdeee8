import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses } from "../schemas";
import { confirmationPage, htmlPage } from "./pages";
import { htmlContent, tokenParams } from "./schema";

const route = createRoute({
  method: "get",
  path: "/u/{token}",
  operationId: "showUnsubscribePage",
  // The token is the credential: the recipient follows the link from their mail.
  security: [],
  summary: "Show the unsubscribe page",
  description:
    "No API key: the signed token names the message and its recipient. Answers a page with a button that POSTs to the same address, and changes nothing (mail scanners fetch links before anyone clicks). A forged or altered token, or an unknown message, answers 404.",
  request: { params: tokenParams },
  responses: {
    200: { description: "The confirmation page", content: htmlContent },
    ...errorResponses([404, "The token is not valid"]),
  },
});

/** `GET /u/:token`. */
export function registerShowUnsubscribePage(app: App): void {
  app.openAPIRegistry.registerPath(route);
  app.get("/u/:token", async (c) => {
    await c.get("services").unsubscribe.check(c.req.param("token"));
    return htmlPage(c, confirmationPage);
  });
}
