import { startBareHono } from "../support/baseline-server";
import { startEmulatorHost } from "../support/emulator-host";
import { failures, type LoadResult, startLoadGenerator } from "../support/load";
import { sendBodyJson } from "../support/message-body";
import type { BenchOptions } from "../support/options";
import { rssMb } from "../support/proc";
import { sendGridProvider, startBenchServer } from "../support/server";
import { ratio, wallNow } from "../support/stats";
import { formatRatio, type Row, type ScenarioResult } from "../support/table";

/** Samples a process's VmRSS every 250 ms while `work` runs. */
async function sampleRss<T>(
  pid: number,
  work: () => Promise<T>,
): Promise<{ result: T; startMb: number; maxMb: number; finalMb: number }> {
  const startMb = rssMb(pid);
  let maxMb = startMb;
  const timer = setInterval(() => {
    maxMb = Math.max(maxMb, rssMb(pid));
  }, 250);
  try {
    const result = await work();
    const finalMb = rssMb(pid);
    return { result, startMb, maxMb: Math.max(maxMb, finalMb), finalMb };
  } finally {
    clearInterval(timer);
  }
}

/**
 * 6. Resident memory of the server process during a steady 1,000 messages/s to the SendGrid
 * emulator, against the bare Hono route under the same paced load.
 */
export async function run(options: BenchOptions): Promise<ScenarioResult> {
  const seconds = options.quick ? 10 : 60;
  const rate = 1000;
  const body = sendBodyJson();
  const emulator = await startEmulatorHost();
  const load = await startLoadGenerator();
  const baseline = await startBareHono();
  const server = await startBenchServer({
    providers: [sendGridProvider("sendgrid", emulator.baseUrl)],
  });
  const paced = (url: string, headers: Record<string, string>) =>
    load.run({
      kind: "cannon",
      url,
      method: "POST",
      headers,
      body,
      connections: 50,
      overallRate: rate,
      durationSeconds: seconds,
    });
  const rows: Row[] = [];
  let subjectMax = Number.NaN;
  let subjectFinal = Number.NaN;
  let baselineMax = Number.NaN;
  const notes: string[] = [];
  try {
    const bare = await sampleRss(baseline.pid, () =>
      paced(`${baseline.url}/v1/messages`, { "content-type": "application/json" }),
    );
    baselineMax = bare.maxMb;
    rows.push(rowOf("bare Hono + zod (baseline)", bare, bare.result, null));

    const measured = await sampleRss(server.pid, async () => {
      const result = await paced(`${server.url}/v1/messages`, server.headers);
      const sentAtEnd = await emulator.accepted();
      return { result, sentAtEnd, loadEndedAt: wallNow() };
    });
    subjectMax = measured.maxMb;
    subjectFinal = measured.finalMb;
    const { result, sentAtEnd, loadEndedAt } = measured.result;
    // Then let the dispatcher finish what was accepted, watching memory as it does.
    const drained = await sampleRss(server.pid, () => emulator.waitFor(result.ok, 120_000));
    // The last message may reach the provider before the load generator reports its end: no
    // backlog then, not a negative one.
    const drainSeconds =
      drained.result === null ? Number.NaN : Math.max(0, drained.result - loadEndedAt) / 1000;
    rows.push(rowOf("mailroute → SendGrid emulator", measured, result, sentAtEnd));
    rows.push({
      side: "mailroute, draining the backlog afterwards",
      "max RSS MB": drained.maxMb,
      "final RSS MB": drained.finalMb,
      "sent to provider": await emulator.accepted(),
      "drain s": drainSeconds,
    });
    if (drained.result === null) {
      notes.push("the backlog did not drain within 120 s");
    }
  } finally {
    await server.stop();
    await baseline.stop();
    await load.stop();
    await emulator.stop();
  }
  notes.push(
    "RSS: VmRSS from /proc/<pid>/status every 250 ms; final = at the end of the load",
    "autocannon's overallRate paces each connection per second (1-second bursts); a connection waits for each answer, so a slower server gets fewer than the rate",
    "sent to provider: messages the emulator had accepted when the load stopped",
  );
  return {
    name: "memory",
    title: `6. Resident memory at a steady ${rate} messages/s for ${seconds} s (50 connections), vs the bare Hono route at the same rate`,
    rows,
    summary: [
      {
        figure: "server RSS max / final MB (max vs bare Hono)",
        value: `${Math.round(subjectMax)} / ${Math.round(subjectFinal)} (${formatRatio(ratio(subjectMax, baselineMax))})`,
      },
    ],
    notes,
  };
}

function rowOf(
  side: string,
  sampled: { startMb: number; maxMb: number; finalMb: number },
  result: LoadResult,
  sentAtEnd: number | null,
): Row {
  return {
    side,
    "start RSS MB": sampled.startMb,
    "max RSS MB": sampled.maxMb,
    "final RSS MB": sampled.finalMb,
    "accepted/s": result.perSecond,
    failed: failures(result),
    "sent to provider": sentAtEnd ?? "",
  };
}
