import { freePort } from "@mailroute/core/testing";
import { type EmulatorHost, startEmulatorHost } from "../support/emulator-host";
import { failures, startLoadGenerator } from "../support/load";
import { sendBodyJson } from "../support/message-body";
import type { BenchOptions } from "../support/options";
import { sendGridProvider, startBenchServer } from "../support/server";
import { median, summarize } from "../support/stats";
import type { Row, ScenarioResult } from "../support/table";

/** An address on 127.0.0.1 where nothing listens: connections are refused. */

type Case = "healthy primary" | "primary refuses connections" | "primary hangs";

/**
 * 4. Failover: a primary that refuses connections and one that hangs, each with a healthy
 * secondary, against a healthy primary: how much later messages reach a provider (accept →
 * ledger), and the longest any message waited, beside the configured attempt deadline.
 */
export async function run(options: BenchOptions): Promise<ScenarioResult> {
  const attemptTimeoutMs = 2000;
  const count = options.quick ? 60 : 300;
  const rate = 50;
  const body = sendBodyJson();
  const primary = await startEmulatorHost();
  const secondary = await startEmulatorHost();
  const load = await startLoadGenerator();
  const cases: Case[] = ["healthy primary", "primary refuses connections", "primary hangs"];
  const figures = new Map<Case, { p50: number[]; p99: number[]; max: number[]; missing: number }>(
    cases.map((name) => [name, { p50: [], p99: [], max: [], missing: 0 }]),
  );
  let failed = 0;

  const measure = async (name: Case) => {
    await primary.reset();
    await secondary.reset();
    if (name === "primary hangs") {
      await primary.fault({ kind: "hang" });
    }
    const primaryUrl =
      name === "primary refuses connections"
        ? `http://127.0.0.1:${await freePort()}`
        : primary.baseUrl;
    // A fresh server per case: breakers start closed, as after a deploy.
    const server = await startBenchServer({
      providers: [
        sendGridProvider("primary", primaryUrl),
        sendGridProvider("secondary", secondary.baseUrl),
      ],
      dispatch: { attemptTimeoutMs },
    });
    try {
      const result = await load.run({
        kind: "cannon",
        url: `${server.url}/v1/messages`,
        method: "POST",
        headers: server.headers,
        body,
        connections: 10,
        amount: count,
        overallRate: rate,
        track: true,
      });
      failed += failures(result);
      const ledger: EmulatorHost = name === "healthy primary" ? primary : secondary;
      await ledger.waitFor(result.tracked.length, attemptTimeoutMs * 10 + 30_000);
      const arrivals = await ledger.arrivals();
      const waits: number[] = [];
      const entry = figures.get(name);
      for (const sent of result.tracked) {
        const at = arrivals[sent.id];
        if (at === undefined) {
          if (entry) {
            entry.missing += 1;
          }
        } else {
          waits.push(at - sent.acceptedAt);
        }
      }
      const summary = summarize(waits);
      entry?.p50.push(summary.p50);
      entry?.p99.push(summary.p99);
      entry?.max.push(summary.max);
    } finally {
      await server.stop();
    }
  };

  try {
    for (let round = 0; round < options.rounds; round += 1) {
      for (const name of cases) {
        await measure(name);
      }
    }
  } finally {
    await load.stop();
    await primary.stop();
    await secondary.stop();
  }
  const healthyP99 = median(figures.get("healthy primary")?.p99 ?? []);
  const rows: Row[] = cases.map((name) => {
    const entry = figures.get(name) ?? { p50: [], p99: [], max: [], missing: 0 };
    return {
      case: name,
      "p50 ms": median(entry.p50),
      "p99 ms": median(entry.p99),
      "added p99 ms": name === "healthy primary" ? "" : median(entry.p99) - healthyP99,
      "longest wait ms": Math.max(...entry.max),
      "attempt deadline ms": attemptTimeoutMs,
      "never arrived": entry.missing,
    };
  });
  const added = (name: Case) => Math.round(Number(rows[cases.indexOf(name)]?.["added p99 ms"]));
  const longest = (name: Case) =>
    Math.round(Number(rows[cases.indexOf(name)]?.["longest wait ms"]));
  return {
    name: "failover",
    title: `4. Failover to a healthy secondary vs a healthy primary; ${count} msgs at ${rate}/s per case, accept (202) → ledger; medians of ${options.rounds} rounds`,
    rows,
    summary: [
      {
        figure: "added p99 (longest wait): refused / hang",
        value: `+${added("primary refuses connections")} ms (${longest("primary refuses connections")}) / +${added("primary hangs")} ms (${longest("primary hangs")}); deadline ${attemptTimeoutMs} ms`,
      },
    ],
    notes: [
      "configured: dispatch.attemptTimeoutMs = 2000; breaker and retry settings are the defaults (volumeThreshold 10, 50 %; stalled at 2 calls in flight past 500 ms, a quarter of the deadline)",
      "longest wait: the maximum over all rounds; autocannon paces each connection per second, so requests come in bursts",
      `failed sends (non-2xx, errors, timeouts), all rounds: ${failed}`,
    ],
  };
}
