import type pg from "pg";
import { inTransaction } from "./transaction";

/**
 * The advisory lock of the ordering step: one numbering at a time across every instance on the
 * database. An arbitrary constant ("mrseq" in ASCII).
 */
export const SEQUENCER_LOCK_KEY = 0x6d72736571n;

/** Events numbered per transaction at most; a longer backlog takes several. */
const batchLimit = 5000;

// Under the lock, READ COMMITTED: this statement's snapshot sees every numbering committed before
// the lock was granted, so `max(seq)` is the feed's current end, and only committed rows are
// unsequenced rows it can see. They get the next consecutive numbers in `written` order.
const numberSql = `with top as (select coalesce(max(seq), 0) as seq from delivery_events),
pending as (
  select id, row_number() over (order by written) as n
  from (select id, written from delivery_events where seq is null order by written limit $1) as p
)
update delivery_events as e set seq = top.seq + pending.n
from top, pending where e.id = pending.id`;

/**
 * The ordering step of the event feed. Writers insert events with `seq` null; this gives every
 * committed, unnumbered event the next consecutive `seq`, under a transaction-scoped advisory
 * lock, in its own short transaction. A sequence would not do: its values are taken before
 * commit, so concurrent writers commit them out of order and a reader following the cursor would
 * pass a value whose row becomes visible only later. Numbering after commit, one step at a time,
 * makes the feed gap-free and in commit order: once a reader sees `seq` n, every event it will
 * ever see has a higher number. Notifies `mailroute_outbound` when it numbered anything.
 * Returns how many events it numbered.
 */
export async function sequenceEvents(pool: pg.Pool): Promise<number> {
  let total = 0;
  for (;;) {
    const numbered = await inTransaction(pool, async (client) => {
      await client.query("select pg_advisory_xact_lock($1)", [SEQUENCER_LOCK_KEY.toString()]);
      const result = await client.query({
        name: "sequence_events",
        text: numberSql,
        values: [batchLimit],
      });
      const count = result.rowCount ?? 0;
      if (count > 0) {
        // Delivered at commit, to every instance listening.
        await client.query("select pg_notify('mailroute_outbound', '')");
      }
      return count;
    });
    total += numbered;
    if (numbered < batchLimit) {
      return total;
    }
  }
}

/** Whether committed events wait for a number (reads the partial index only). */
export async function hasUnsequencedEvents(pool: pg.Pool): Promise<boolean> {
  const result = await pool.query<{ waiting: boolean }>(
    "select exists (select 1 from delivery_events where seq is null) as waiting",
  );
  return result.rows[0]?.waiting ?? false;
}

/**
 * Runs {@link sequenceEvents} on request, coalescing: a request made while a run is under way
 * is served by one more run after it (which also numbers what the requester committed). The
 * promise settles when a run that started after the request finished; it never rejects (the
 * events are committed either way, and the next run or another instance numbers them).
 */
export function createSequencer(pool: pg.Pool, onError: (error: unknown) => void) {
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const runOnce = (): Promise<void> =>
    sequenceEvents(pool).then(
      () => undefined,
      (error: unknown) => onError(error),
    );
  const request = (): Promise<void> => {
    if (!running) {
      running = runOnce().finally(() => {
        running = null;
      });
      return running;
    }
    next ??= running.then(() => {
      next = null;
      return request();
    });
    return next;
  };
  return {
    request,
    /** Waits for the run under way and the one requested after it, if any. */
    async idle(): Promise<void> {
      await next;
      await running;
    },
  };
}
