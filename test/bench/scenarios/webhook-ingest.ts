import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newId } from "@mailroute/core";
import { openDatabase } from "@mailroute/store";
import { failures, startLoadGenerator } from "../support/load";
import { type LoggedMessage, writeMessageLog } from "../support/message-log";
import { type BenchOptions, sidesOf } from "../support/options";
import {
  deliveryEventRow,
  insertDeliveryEventSql,
  sendGridEventBatch,
} from "../support/sendgrid-events";
import { sendGridProvider, startBenchServer } from "../support/server";
import { median, percentile, ratio } from "../support/stats";
import { formatRatio, type ScenarioResult } from "../support/table";

const batchSize = 1000;

/** A database with the project's schema and `messages` sent messages of 3 recipients each. */
function seededDatabase(path: string, messages: number, endAt: number): LoggedMessage[] {
  const { sqlite } = openDatabase({ path });
  const logged = writeMessageLog(sqlite, {
    messages,
    recipientsPerMessage: 3,
    endAt,
    spanMs: 3_600_000,
    collect: true,
  });
  sqlite.close();
  return logged;
}

/**
 * 3. Webhook ingest: signed SendGrid batches of 1000 events POSTed to /webhooks/sendgrid
 * (verification, correlation and status updates included), against raw better-sqlite3 inserting
 * the same rows into the same delivery_events table in 1000-row transactions.
 */
export async function run(options: BenchOptions): Promise<ScenarioResult> {
  const seconds = options.quick ? 2 : 5;
  const connections = 2;
  const folder = mkdtempSync(join(tmpdir(), "mailroute-bench-webhooks-"));
  const endAt = Date.now();
  // The same generator and seed on both sides: the same messages, ids included.
  const messages = seededDatabase(join(folder, "subject.db"), 2000, endAt);
  seededDatabase(join(folder, "baseline.db"), 2000, endAt);
  const startSeconds = Math.floor(endAt / 1000);
  const load = await startLoadGenerator();
  const server = await startBenchServer(
    {
      providers: [
        {
          ...sendGridProvider("sendgrid", "http://127.0.0.1:9"),
          webhook: { publicKey: load.publicKey },
        },
      ],
    },
    { database: join(folder, "subject.db") },
  );
  const { sqlite } = openDatabase({ path: join(folder, "baseline.db") });
  const insert = sqlite.prepare(insertDeliveryEventSql);
  const insertBatch = sqlite.transaction((rows: (string | number | null)[][]) => {
    for (const row of rows) {
      insert.run(row);
    }
  });
  const next = { baseline: 0, subject: 0 };
  const figures = {
    baseline: { perSecond: [] as number[], p50: [] as number[], p99: [] as number[] },
    subject: { perSecond: [] as number[], p50: [] as number[], p99: [] as number[] },
  };
  let failed = 0;

  /** Inserts batch after batch for `seconds`; only the transactions are timed. */
  const baselineRound = () => {
    const durations: number[] = [];
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until) {
      const receivedAt = Date.now();
      const rows = sendGridEventBatch(messages, next.baseline, batchSize, startSeconds).map(
        (event) => deliveryEventRow(event, newId("evt", receivedAt), receivedAt),
      );
      next.baseline += 1;
      const started = performance.now();
      insertBatch(rows);
      durations.push(performance.now() - started);
    }
    const totalMs = durations.reduce((sum, value) => sum + value, 0);
    return { perSecond: (durations.length * batchSize) / (totalMs / 1000), latencies: durations };
  };
  const subjectRound = async () => {
    const result = await load.run({
      kind: "webhook",
      url: `${server.url}/webhooks/sendgrid`,
      connections,
      durationSeconds: seconds,
      messages,
      batchSize,
      firstBatch: next.subject,
      startSeconds,
    });
    next.subject += result.batchesSent ?? 0;
    failed += failures(result);
    return { perSecond: result.perSecond * batchSize, latencies: result.latenciesMs };
  };

  try {
    baselineRound();
    await subjectRound();
    for (let round = 0; round < options.rounds; round += 1) {
      for (const side of sidesOf(round)) {
        const measured = side === "baseline" ? baselineRound() : await subjectRound();
        figures[side].perSecond.push(measured.perSecond);
        figures[side].p50.push(percentile(measured.latencies, 50));
        figures[side].p99.push(percentile(measured.latencies, 99));
      }
    }
  } finally {
    sqlite.close();
    await server.stop();
    await load.stop();
    rmSync(folder, { recursive: true, force: true });
  }
  const speed = ratio(median(figures.subject.perSecond), median(figures.baseline.perSecond));
  return {
    name: "webhook-ingest",
    title: `3. Webhook ingest (signed SendGrid batches of ${batchSize}, ${connections} connections) vs raw better-sqlite3 1000-row transactions; medians of ${options.rounds} rounds × ${seconds} s`,
    rows: [
      {
        side: "raw better-sqlite3 insert (baseline)",
        "events/s": median(figures.baseline.perSecond),
        "batch p50 ms": median(figures.baseline.p50),
        "batch p99 ms": median(figures.baseline.p99),
        ratio: "",
      },
      {
        side: "POST /webhooks/sendgrid (mailroute)",
        "events/s": median(figures.subject.perSecond),
        "batch p50 ms": median(figures.subject.p50),
        "batch p99 ms": median(figures.subject.p99),
        ratio: speed,
      },
    ],
    summary: [{ figure: "events/s ratio", value: formatRatio(speed) }],
    notes: [
      "both databases hold the same 2,000 sent messages (3 recipients each); events address them by mailroute_id, so the server also correlates and moves recipient statuses",
      "baseline: only the INSERT transaction is timed (rows built beforehand); mailroute: batches answered 2xx × 1000 / wall time",
      `failed webhook POSTs (non-2xx, errors, timeouts), all rounds: ${failed}`,
    ],
  };
}
