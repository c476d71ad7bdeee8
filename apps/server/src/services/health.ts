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

/**
 * How long readiness waits for the database. A server that accepts a connection and then never
 * answers (a hung PostgreSQL, a network partition) must make the probe fail, not hang it.
 */
const defaultTimeoutMs = 2000;

/** Builds the health service over the store and the dispatch worker. */
export function createHealthService(dependencies: {
  store: Pick<MailStore, "countPendingJobs" | "writeHeartbeat">;
  dispatcher: { readonly running: boolean };
  timeoutMs?: number;
}): HealthService {
  const { store, dispatcher } = dependencies;
  const timeoutMs = dependencies.timeoutMs ?? defaultTimeoutMs;
  return {
    live: () => ({ status: "ok" }),
    async ready() {
      // A database that answers reads but refuses writes (a read-only file, a full disk, a
      // PostgreSQL standby) would fail every send, so readiness writes for real.
      const [read, write] = await Promise.all([
        settle(() => store.countPendingJobs(), timeoutMs),
        settle(() => store.writeHeartbeat(new Date()), timeoutMs),
      ]);
      const reason = !read.ok
        ? `the database does not answer: ${read.error}`
        : !write.ok
          ? `the database does not take writes: ${write.error}`
          : !dispatcher.running
            ? "the dispatch worker is not running"
            : undefined;
      return {
        status: reason === undefined ? "ready" : "not_ready",
        dispatcher: dispatcher.running,
        pendingJobs: read.ok ? read.value : null,
        ...(reason === undefined ? {} : { reason }),
      };
    },
  };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: string };

/** Runs `work`, turning a rejection, a throw or no answer within `timeoutMs` into its reason. */
async function settle<T>(work: () => Promise<T>, timeoutMs: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, error: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    timer.unref();
  });
  const answer = Promise.resolve()
    .then(work)
    .then(
      (value): Settled<T> => ({ ok: true, value }),
      (error: unknown): Settled<T> => ({
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
