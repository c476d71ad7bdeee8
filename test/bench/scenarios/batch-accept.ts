import { failures, startLoadGenerator } from "../support/load";
import { sendBody } from "../support/message-body";
import { type BenchOptions, sidesOf } from "../support/options";
import { startBenchServer } from "../support/server";
import { median, percentile, ratio } from "../support/stats";
import { formatRatio, type Row, type ScenarioResult } from "../support/table";

/** Messages per `POST /v1/messages/batch`. */
const perBatch = 100;
/** What the batch should reach, in messages per second, over single requests. */
const target = 3;

/**
 * Batch accept: `POST /v1/messages/batch` with 100 messages against 100 single
 * `POST /v1/messages`, on the same server in the same run, in messages per second.
 */
export async function run(options: BenchOptions): Promise<ScenarioResult> {
  const concurrencies = [1, 10];
  const seconds = options.quick ? 1 : 5;
  // Scheduled a week ahead, so the dispatcher leaves the messages alone: only the accept path runs.
  const message = sendBody({ sendAt: new Date(Date.now() + 7 * 86_400_000).toISOString() });
  const load = await startLoadGenerator();
  const server = await startBenchServer({ providers: [{ name: "capture", type: "capture" }] });
  const sides = {
    // The "baseline" side of the alternation is the single send.
    baseline: {
      url: `${server.url}/v1/messages`,
      body: JSON.stringify(message),
      messagesPerRequest: 1,
    },
    subject: {
      url: `${server.url}/v1/messages/batch`,
      body: JSON.stringify({ messages: Array.from({ length: perBatch }, () => message) }),
      messagesPerRequest: perBatch,
    },
  };
  const shoot = (side: "baseline" | "subject", connections: number, durationSeconds: number) =>
    load.run({
      kind: "cannon",
      url: sides[side].url,
      method: "POST",
      headers: server.headers,
      body: sides[side].body,
      connections,
      durationSeconds,
    });
  const rows: Row[] = [];
  const ratios: number[] = [];
  try {
    await shoot("baseline", 10, 1);
    await shoot("subject", 10, 1);
    for (const connections of concurrencies) {
      const figures = {
        baseline: { rate: [] as number[], p50: [] as number[], p99: [] as number[], failed: 0 },
        subject: { rate: [] as number[], p50: [] as number[], p99: [] as number[], failed: 0 },
      };
      for (let round = 0; round < options.rounds; round += 1) {
        for (const side of sidesOf(round)) {
          const result = await shoot(side, connections, seconds);
          figures[side].rate.push(result.perSecond * sides[side].messagesPerRequest);
          figures[side].p50.push(percentile(result.latenciesMs, 50));
          figures[side].p99.push(percentile(result.latenciesMs, 99));
          figures[side].failed += failures(result);
        }
      }
      const speed = ratio(median(figures.subject.rate), median(figures.baseline.rate));
      ratios.push(speed);
      rows.push({
        concurrency: connections,
        "single msgs/s": median(figures.baseline.rate),
        "batch msgs/s": median(figures.subject.rate),
        ratio: speed,
        "single p50 ms": median(figures.baseline.p50),
        "batch p50 ms": median(figures.subject.p50),
        "single p99 ms": median(figures.baseline.p99),
        "batch p99 ms": median(figures.subject.p99),
        "failed (s/b)": `${figures.baseline.failed}/${figures.subject.failed}`,
      });
    }
  } finally {
    await server.stop();
    await load.stop();
  }
  const at = (index: number) => formatRatio(ratios[index] ?? Number.NaN);
  return {
    name: "batch-accept",
    title: `8. Batch accept (POST /v1/messages/batch, ${perBatch} messages → 200) vs ${perBatch} single POST /v1/messages → 202, same server; medians of ${options.rounds} rounds × ${seconds} s`,
    rows,
    summary: [
      {
        figure: `msgs/s ratio, batch of ${perBatch} / single, at c=1 / 10 (target ≥ ${target}×)`,
        value: `${at(0)} / ${at(1)}`,
      },
    ],
    notes: [
      "the same 2 KB, 3-recipient message as durable-accept, with sendAt a week ahead, so the dispatcher does not run during the measurement",
      `c = connections, each with one request in flight: a batch request carries ${perBatch} messages, a single one 1`,
      "latencies are per request: a batch's is that of its 100 messages together",
      "failed = non-2xx answers + socket errors + timeouts, summed over rounds",
    ],
  };
}
