import { getConnInfo } from "@hono/node-server/conninfo";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { App, AppEnv } from "../../app-env";
import { errorResponses } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/webhooks/{providerName}",
  operationId: "receiveProviderWebhook",
  // The provider's own authentication, checked by its adapter; not mailroute's API key.
  security: [],
  summary: "Receive a provider's webhook",
  description:
    "No API key: each provider's own authentication (signature, basic auth, token). A forged request answers 401 and stores nothing; a storage failure answers 5xx so the provider retries.",
  request: { params: z.object({ providerName: z.string() }) },
  responses: {
    200: {
      description: "Verified and stored",
      content: {
        "application/json": {
          schema: z.object({
            received: z.number(),
            stored: z.number(),
            duplicates: z.number(),
            orphans: z.number(),
            note: z.string().optional(),
          }),
        },
      },
    },
    ...errorResponses(400, 401, 404, 413, 503),
  },
});

function remoteAddress(c: Context<AppEnv>): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    // Requests built in tests have no socket.
    return undefined;
  }
}

/** `POST /webhooks/:providerName`. */
export function registerReceiveWebhook(app: App): void {
  app.openapi(route, async (c) => {
    const { providerName } = c.req.valid("param");
    const receipt = await c.get("services").inboundWebhooks.receive(providerName, {
      method: c.req.method,
      url: c.req.url,
      headers: c.req.header(),
      rawBody: new Uint8Array(await c.req.arrayBuffer()),
      remoteAddress: remoteAddress(c),
    });
    return c.json(receipt, 200);
  });
}
