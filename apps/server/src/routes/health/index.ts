import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";

const live = createRoute({
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

const readySchema = z.object({
  status: z.enum(["ready", "not_ready"]),
  dispatcher: z.boolean(),
  pendingJobs: z.number().nullable(),
});

const ready = createRoute({
  method: "get",
  path: "/readyz",
  operationId: "getReadiness",
  summary: "Readiness",
  security: [],
  description: "Ready when the database answers and the dispatch worker runs.",
  responses: {
    200: { description: "Ready", content: { "application/json": { schema: readySchema } } },
    503: { description: "Not ready", content: { "application/json": { schema: readySchema } } },
  },
});

/** `/healthz` and `/readyz`, without authentication. */
export function registerHealthRoutes(app: App): void {
  app.openapi(live, (c) => c.json({ status: "ok" as const }, 200));
  app.openapi(ready, async (c) => {
    const { store, dispatcher } = c.get("services");
    const pendingJobs = await store.countPendingJobs().catch(() => null);
    const isReady = pendingJobs !== null && dispatcher.running;
    const body = {
      status: isReady ? ("ready" as const) : ("not_ready" as const),
      dispatcher: dispatcher.running,
      pendingJobs,
    };
    return isReady ? c.json(body, 200) : c.json(body, 503);
  });
}
