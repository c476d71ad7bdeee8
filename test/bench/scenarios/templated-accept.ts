import { alternateRounds } from "../support/alternate-rounds";
import { startLoadGenerator } from "../support/load";
import type { BenchOptions } from "../support/options";
import { receiptData, receiptTemplate } from "../support/receipt-template";
import { type BenchServer, startBenchServer } from "../support/server";
import { ratio } from "../support/stats";
import { formatRatio, type Row, type ScenarioResult } from "../support/table";

async function post<T>(server: BenchServer, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: server.headers,
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  }
  return (await response.json()) as T;
}

/**
 * 7. Templated accept: POST /v1/messages naming a stored 5 KB Handlebars template (10 variables,
 * a <style> block, no text part) against the same accept carrying what that template renders
 * (subject, HTML with the CSS inlined, the text made from it), on one server in one run.
 */
export async function run(options: BenchOptions): Promise<ScenarioResult> {
  const concurrencies = [10, 50];
  // Two-second rounds even when quick: at one second the first rounds still measure the JIT.
  const seconds = options.quick ? 2 : 5;
  const load = await startLoadGenerator();
  const server = await startBenchServer({ providers: [{ name: "capture", type: "capture" }] });
  const rows: Row[] = [];
  const ratios: number[] = [];
  try {
    const template = await post<{ id: string }>(server, "/v1/templates", receiptTemplate());
    const rendered = await post<{ subject: string; html: string; text: string }>(
      server,
      `/v1/templates/${template.id}/render`,
      { data: receiptData },
    );
    // Scheduled a week ahead, so the dispatcher leaves the messages alone: only accept runs.
    const envelope = {
      from: "Acme Shop <orders@acme.test>",
      to: ["Jane Doe <jane.doe@example.com>", "john.roe@example.com", "ops@example.org"],
      tags: ["receipt"],
      metadata: { userId: "42", orderId: "A-100234" },
      sendAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    };
    const bodies = {
      baseline: JSON.stringify({ ...envelope, ...rendered }),
      subject: JSON.stringify({ ...envelope, template: { id: template.id, data: receiptData } }),
    };
    const shoot = (side: "baseline" | "subject", connections: number, durationSeconds: number) =>
      load.run({
        kind: "cannon",
        url: `${server.url}/v1/messages`,
        method: "POST",
        headers: server.headers,
        body: bodies[side],
        connections,
        durationSeconds,
      });
    await shoot("baseline", 50, 2);
    await shoot("subject", 50, 2);
    for (const connections of concurrencies) {
      const figures = await alternateRounds(options.rounds, (side) =>
        shoot(side, connections, seconds),
      );
      const speed = ratio(figures.subject.perSecond, figures.baseline.perSecond);
      ratios.push(speed);
      rows.push({
        concurrency: connections,
        "pre-rendered msgs/s": figures.baseline.perSecond,
        "templated msgs/s": figures.subject.perSecond,
        ratio: speed,
        "pre-rendered p50 ms": figures.baseline.p50,
        "templated p50 ms": figures.subject.p50,
        "pre-rendered p99 ms": figures.baseline.p99,
        "templated p99 ms": figures.subject.p99,
        "failed (p/t)": `${figures.baseline.failed}/${figures.subject.failed}`,
      });
    }
  } finally {
    await server.stop();
    await load.stop();
  }
  const at = (index: number) => formatRatio(ratios[index] ?? Number.NaN);
  return {
    name: "templated-accept",
    title: `7. Templated accept (POST /v1/messages with a stored template) vs the same message pre-rendered; medians of ${options.rounds} rounds × ${seconds} s`,
    rows,
    summary: [
      {
        figure: "templated / pre-rendered msgs/s at c=10 / 50 (target ≥ 0.8)",
        value: `${at(0)} / ${at(1)}`,
      },
    ],
    notes: [
      "templated: the body names the template and carries its data; it is rendered at accept (one compile, cached; every send renders)",
      "pre-rendered: the body carries the subject, HTML and text the render API answered for the same data, so both store the same message",
      "both carry sendAt a week ahead, so the dispatcher does not run during the measurement; failed = non-2xx + socket errors + timeouts",
    ],
  };
}
