import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";

const route = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "getLiveness",
  summary: "Liveness",
  security: [],
  responses: {
    200: {
      description: "The process is up",
      content: { "application/json": { schema: z.object({ status: z.literal("ok") }) } },
    },
  },
});

/** `GET /healthz`, without authentication. */
export function registerLiveness(app: App): void {
  app.openapi(route, (c) => c.json(c.get("services").health.live(), 200));
}
