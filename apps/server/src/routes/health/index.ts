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
  /** Why not ready; absent when ready. */
  reason: z.string().optional(),
});

const ready = createRoute({
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

/** `/healthz` and `/readyz`, without authentication. */
export function registerHealthRoutes(app: App): void {
  app.openapi(live, (c) => c.json({ status: "ok" as const }, 200));
  app.openapi(ready, async (c) => {
    const { store, dispatcher } = c.get("services");
    const pendingJobs = await store.countPendingJobs().catch(() => null);
    // A database that answers reads but refuses writes (a read-only file, a full disk) would
    // fail every send, so readiness writes for real.
    const writeError = await store.writeHeartbeat(new Date()).then(
      () => null,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    const reason =
      pendingJobs === null
        ? "the database does not answer"
        : writeError !== null
          ? `the database does not take writes: ${writeError}`
          : !dispatcher.running
            ? "the dispatch worker is not running"
            : undefined;
    const body = {
      status: reason === undefined ? ("ready" as const) : ("not_ready" as const),
      dispatcher: dispatcher.running,
      pendingJobs,
      ...(reason === undefined ? {} : { reason }),
    };
    return reason === undefined ? c.json(body, 200) : c.json(body, 503);
  });
}
