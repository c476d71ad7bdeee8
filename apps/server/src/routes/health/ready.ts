import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";

const readySchema = z.object({
  status: z.enum(["ready", "not_ready"]),
  dispatcher: z.boolean(),
  pendingJobs: z.number().nullable(),
  /** Why not ready; absent when ready. */
  reason: z.string().optional(),
});

const route = createRoute({
  method: "get",
  path: "/readyz",
  operationId: "getReadiness",
  summary: "Readiness",
  security: [],
  description:
    "Ready when the database answers, takes a write (a heartbeat row) and the dispatch worker runs.",
  responses: {
    200: { description: "Ready", content: { "application/json": { schema: readySchema } } },
    503: { description: "Not ready", content: { "application/json": { schema: readySchema } } },
  },
});

/** `GET /readyz`, without authentication: 200 when ready, 503 with the reason when not. */
export function registerReadiness(app: App): void {
  app.openapi(route, async (c) => {
    const readiness = await c.get("services").health.ready();
    return readiness.status === "ready" ? c.json(readiness, 200) : c.json(readiness, 503);
  });
}
