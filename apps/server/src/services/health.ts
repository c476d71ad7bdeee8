import type { MailStore } from "@mailroute/core";

/** Whether this mailroute can take and send messages now. */
export interface Readiness {
  status: "ready" | "not_ready";
  dispatcher: boolean;
  /** Jobs not yet finished; null when the database does not answer. */
  pendingJobs: number | null;
  /** Why not ready; absent when ready. */
  reason?: string;
}

/** Liveness and readiness. */
export interface HealthService {
  /** The process is up. */
  live(): { status: "ok" };
  /** Ready when the database answers, takes a write and the dispatch worker runs. */
  ready(): Promise<Readiness>;
}

/** Builds the health service over the store and the dispatch worker. */
export function createHealthService(dependencies: {
  store: Pick<MailStore, "countPendingJobs" | "writeHeartbeat">;
  dispatcher: { readonly running: boolean };
}): HealthService {
  const { store, dispatcher } = dependencies;
  return {
    live: () => ({ status: "ok" }),
    async ready() {
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
      return {
        status: reason === undefined ? "ready" : "not_ready",
        dispatcher: dispatcher.running,
        pendingJobs,
        ...(reason === undefined ? {} : { reason }),
      };
    },
  };
}
