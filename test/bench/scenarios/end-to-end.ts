import { parseConfig } from "@mailroute/server";
import { startEmulatorHost } from "../support/emulator-host";
import { failures, startLoadGenerator } from "../support/load";
import { sendBodyJson } from "../support/message-body";
import { type BenchOptions, sidesOf } from "../support/options";
import { cpuTimeMs } from "../support/proc";
import { startSdkSender } from "../support/sdk-sender";
import { sendGridProvider, startBenchServer } from "../support/server";
import { median, percentile, ratio, sleep } from "../support/stats";
import { formatRatio, type Row, type ScenarioResult } from "../support/table";

/** CPU time of a process once it has gone quiet (its last completions written), in ms. */
async function settledCpuMs(pid: number): Promise<number> {
  let last = cpuTimeMs(pid);
  for (let tries = 0; tries < 10; tries += 1) {
    await sleep(200);
    const now = cpuTimeMs(pid);
    if (now - last <= 10) {
      return now;
    }
    last = now;
  }
  return last;
}

/**
 * 2. End to end: messages accepted by mailroute and dispatched to the SendGrid emulator (its own
 * process), until the emulator holds them all, against @sendgrid/client sending the same
 * messages straight to the same emulator from one process at the same concurrency.
 */
export async function run(options: BenchOptions): Promise<ScenarioResult> {
  const providerLatencies = [0, 20];
  // The dispatcher's default concurrency: both sides keep as many calls in flight.
  const concurrency = parseConfig({}).dispatch.concurrency;
  const count = options.quick ? 1000 : 5000;
  const sequentialCount = options.quick ? 15 : 100;
  const body = sendBodyJson();
  const emulator = await startEmulatorHost();
  const load = await startLoadGenerator();
  const sdk = await startSdkSender();
  const server = await startBenchServer({
    providers: [sendGridProvider("sendgrid", emulator.baseUrl)],
  });
  const rows: Row[] = [];
  const summary: ScenarioResult["summary"] = [];
  let failed = 0;
  const timeoutMs = 300_000;

  const prepare = async (latencyMs: number) => {
    await emulator.reset();
    await emulator.fault(latencyMs > 0 ? { kind: "latency", ms: latencyMs } : null);
  };
  /** One throughput round: msgs/s until the emulator holds all, and CPU µs per message. */
  const throughput = async (side: "baseline" | "subject", latencyMs: number, n: number) => {
    await prepare(latencyMs);
    const pid = side === "subject" ? server.pid : sdk.pid;
    const cpuBefore = cpuTimeMs(pid);
    let startedAt: number;
    if (side === "subject") {
      const result = await load.run({
        kind: "cannon",
        url: `${server.url}/v1/messages`,
        method: "POST",
        headers: server.headers,
        body,
        connections: concurrency,
        amount: n,
      });
      failed += failures(result);
      startedAt = result.startedAt;
    } else {
      const result = await sdk.send({ baseUrl: emulator.baseUrl, count: n, concurrency });
      failed += result.failed;
      startedAt = result.startedAt;
    }
    const at = await emulator.waitFor(n, timeoutMs);
    if (at === null) {
      throw new Error(`${side}: the emulator got ${await emulator.accepted()} of ${n} messages`);
    }
    const cpuMs = (await settledCpuMs(pid)) - cpuBefore;
    return { perSecond: n / ((at - startedAt) / 1000), cpuUsPerMessage: (cpuMs * 1000) / n };
  };
  /** One latency round at concurrency 1: POST → emulator has it, vs the SDK call's time. */
  const latency = async (side: "baseline" | "subject", latencyMs: number) => {
    await prepare(latencyMs);
    if (side === "subject") {
      const result = await load.run({
        kind: "sequential",
        url: `${server.url}/v1/messages`,
        headers: server.headers,
        body,
        count: sequentialCount,
        controlUrl: emulator.controlUrl,
      });
      return result.latenciesMs;
    }
    const result = await sdk.send({
      baseUrl: emulator.baseUrl,
      count: sequentialCount,
      concurrency: 1,
    });
    failed += result.failed;
    return result.durationsMs;
  };

  try {
    for (const latencyMs of providerLatencies) {
      // Warm both sides up (JIT, connection pools).
      await throughput("baseline", latencyMs, 200);
      await throughput("subject", latencyMs, 200);
      const figures = {
        baseline: {
          rate: [] as number[],
          cpu: [] as number[],
          p50: [] as number[],
          p99: [] as number[],
        },
        subject: {
          rate: [] as number[],
          cpu: [] as number[],
          p50: [] as number[],
          p99: [] as number[],
        },
      };
      for (let round = 0; round < options.rounds; round += 1) {
        for (const side of sidesOf(round)) {
          const measured = await throughput(side, latencyMs, count);
          figures[side].rate.push(measured.perSecond);
          figures[side].cpu.push(measured.cpuUsPerMessage);
          const samples = await latency(side, latencyMs);
          figures[side].p50.push(percentile(samples, 50));
          figures[side].p99.push(percentile(samples, 99));
        }
      }
      const rate = ratio(median(figures.subject.rate), median(figures.baseline.rate));
      const addedP50 = median(figures.subject.p50) - median(figures.baseline.p50);
      const addedP99 = median(figures.subject.p99) - median(figures.baseline.p99);
      rows.push({
        "provider latency": `${latencyMs} ms`,
        "SDK msgs/s": median(figures.baseline.rate),
        "mailroute msgs/s": median(figures.subject.rate),
        ratio: rate,
        "SDK CPU µs/msg": median(figures.baseline.cpu),
        "mailroute CPU µs/msg": median(figures.subject.cpu),
        "c=1 SDK p50 ms": median(figures.baseline.p50),
        "c=1 mailroute p50 ms": median(figures.subject.p50),
        "added p50 ms": addedP50,
        "c=1 SDK p99 ms": median(figures.baseline.p99),
        "c=1 mailroute p99 ms": median(figures.subject.p99),
        "added p99 ms": addedP99,
      });
      summary.push({
        figure: `${latencyMs} ms provider: msgs/s ratio; added c=1 latency p50/p99; CPU/msg`,
        value: `${formatRatio(rate)}; +${addedP50.toFixed(1)} / +${addedP99.toFixed(1)} ms; ${Math.round(median(figures.subject.cpu))} µs`,
      });
    }
  } finally {
    await server.stop();
    await sdk.stop();
    await load.stop();
    await emulator.stop();
  }
  return {
    name: "end-to-end",
    title: `2. End to end to the SendGrid emulator vs @sendgrid/client direct; ${count} msgs at concurrency ${concurrency}, ${sequentialCount} one at a time; medians of ${options.rounds} rounds`,
    rows,
    summary,
    notes: [
      "msgs/s: from the first POST (or SDK call) until the emulator holds the last message",
      "c=1 mailroute: POST start → the emulator answered 202 for it, one message at a time; c=1 SDK: the request() call's duration",
      "the dispatcher polls every dispatch.pollIntervalMs (250 ms by default) when no accept wakes it",
      "CPU µs/msg: utime+stime of the server (or SDK sender) process from /proc/<pid>/stat, 10 ms ticks",
      `failed requests (non-2xx, errors, timeouts, SDK rejections), all rounds: ${failed}`,
    ],
  };
}
