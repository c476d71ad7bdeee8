import type { FloorCommand, FloorResult } from "../processes/storage-floor";
import { alternateRounds } from "../support/alternate-rounds";
import { startBareHono } from "../support/baseline-server";
import { startChild } from "../support/child";
import { startLoadGenerator } from "../support/load";
import { sendBodyJson } from "../support/message-body";
import type { BenchOptions } from "../support/options";
import { cores } from "../support/proc";
import { startBenchServer } from "../support/server";
import { median, ratio } from "../support/stats";
import { formatRatio, type Row, type ScenarioResult } from "../support/table";

/**
 * 1. Durable accept: POST /v1/messages (2 KB, 3 recipients) to 202 with synchronous=FULL, against
 * a bare Hono route that parses and validates the same body and stores nothing.
 */
export async function run(options: BenchOptions): Promise<ScenarioResult> {
  const concurrencies = [1, 10, 50, 100];
  // The floor commits as many messages at once as the c = 50 load can have in flight.
  const floorBatch = 50;
  const seconds = options.quick ? 1 : 5;
  // Scheduled a week ahead, so the dispatcher leaves the messages alone: only the accept path runs.
  const body = sendBodyJson({ sendAt: new Date(Date.now() + 7 * 86_400_000).toISOString() });
  const load = await startLoadGenerator();
  const baseline = await startBareHono();
  const floor = await startChild<Record<string, never>>("storage-floor.ts", cores.subject);
  const server = await startBenchServer({ providers: [{ name: "capture", type: "capture" }] });
  const urls = { baseline: `${baseline.url}/v1/messages`, subject: `${server.url}/v1/messages` };
  const shoot = (side: "baseline" | "subject", connections: number, durationSeconds: number) =>
    load.run({
      kind: "cannon",
      url: urls[side],
      method: "POST",
      headers: server.headers,
      body,
      connections,
      durationSeconds,
    });
  const rows: Row[] = [];
  const ratios: number[] = [];
  const floorRates: number[] = [];
  const floorCpu: number[] = [];
  let bareAt50 = Number.NaN;
  try {
    await shoot("baseline", 10, 1);
    await shoot("subject", 10, 1);
    for (const connections of concurrencies) {
      const figures = await alternateRounds(options.rounds, (side) =>
        shoot(side, connections, seconds),
      );
      if (connections === floorBatch) {
        bareAt50 = figures.baseline.perSecond;
      }
      const speed = ratio(figures.subject.perSecond, figures.baseline.perSecond);
      ratios.push(speed);
      rows.push({
        concurrency: connections,
        "baseline req/s": figures.baseline.perSecond,
        "mailroute req/s": figures.subject.perSecond,
        ratio: speed,
        "baseline p50 ms": figures.baseline.p50,
        "mailroute p50 ms": figures.subject.p50,
        "baseline p99 ms": figures.baseline.p99,
        "mailroute p99 ms": figures.subject.p99,
        "failed (b/m)": `${figures.baseline.failed}/${figures.subject.failed}`,
      });
    }
    for (let round = 0; round < options.rounds; round += 1) {
      const result = await floor.call<FloorResult>({
        seconds,
        batch: floorBatch,
      } satisfies FloorCommand);
      floorRates.push(result.perSecond);
      floorCpu.push(result.cpuMicrosPerMessage);
    }
  } finally {
    await server.stop();
    await floor.stop();
    await baseline.stop();
    await load.stop();
  }
  // A server that cost nothing beyond the bare route and the floor's CPU (its fsync waits can
  // overlap other requests' work) would spend 1/bare s + the floor's CPU per request on its one
  // core: that is its best possible ratio to the bare route.
  const floorRate = median(floorRates);
  const bareSeconds = 1 / bareAt50;
  const ceiling = bareSeconds / (bareSeconds + median(floorCpu) / 1e6);
  const at = (index: number) => formatRatio(ratios[index] ?? Number.NaN);
  return {
    name: "durable-accept",
    title: `1. Durable accept (POST /v1/messages → 202, synchronous=FULL) vs bare Hono + zod; medians of ${options.rounds} rounds × ${seconds} s`,
    rows,
    summary: [
      {
        figure: "req/s ratio at c=1 / 10 / 50 / 100",
        value: `${at(0)} / ${at(1)} / ${at(2)} / ${at(3)}`,
      },
      {
        figure: `storage floor, ${floorBatch} per commit: msgs/s; CPU/msg; best c=50 ratio`,
        value: `${Math.round(floorRate).toLocaleString("en-US")}; ${Math.round(median(floorCpu))} µs; ${formatRatio(ceiling)}`,
      },
    ],
    notes: [
      "the body carries sendAt a week ahead, so the dispatcher does not run during the measurement",
      "failed = non-2xx answers + socket errors + timeouts, summed over rounds",
      `storage floor: the same rows (message and payload, 3 recipients, tag, 3 queued events, job) through raw prepared statements into mailroute's schema, ${floorBatch} messages per transaction and a WAL fsync per commit, no HTTP; best c=50 ratio = what a server costing nothing but the bare route's time and the floor's CPU per message could reach`,
    ],
  };
}
