// `npm run bench` (or `npm run bench -- --quick`, `-- --only=webhook-ingest,log-query`): every
// scenario against its own baseline in the same run; tables as each finishes, then a summary and
// bench-results/<timestamp>.json + latest.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import * as batchAccept from "./scenarios/batch-accept";
import * as durableAccept from "./scenarios/durable-accept";
import * as endToEnd from "./scenarios/end-to-end";
import * as failover from "./scenarios/failover";
import * as logQuery from "./scenarios/log-query";
import * as memory from "./scenarios/memory";
import * as postgres from "./scenarios/postgres";
import * as templatedAccept from "./scenarios/templated-accept";
import * as webhookIngest from "./scenarios/webhook-ingest";
import { type BenchOptions, parseOptions } from "./support/options";
import { canPin, cores, pinToCore } from "./support/proc";
import { printScenario, type Row, renderTable, type ScenarioResult } from "./support/table";

const scenarios: { name: string; run(options: BenchOptions): Promise<ScenarioResult> }[] = [
  { name: "durable-accept", run: durableAccept.run },
  { name: "end-to-end", run: endToEnd.run },
  { name: "webhook-ingest", run: webhookIngest.run },
  { name: "failover", run: failover.run },
  { name: "log-query", run: logQuery.run },
  { name: "memory", run: memory.run },
  { name: "templated-accept", run: templatedAccept.run },
  { name: "batch-accept", run: batchAccept.run },
  { name: "postgres", run: postgres.run },
];

// Ctrl-C: exit through process.exit so the servers started so far are killed (support/server.ts).
process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));

const options = parseOptions(process.argv.slice(2));
const unknown = options.only.filter((name) => !scenarios.some((s) => s.name === name));
if (unknown.length > 0) {
  console.error(
    `unknown scenario(s): ${unknown.join(", ")}; known: ${scenarios.map((s) => s.name)}`,
  );
  process.exit(2);
}
const selected = scenarios.filter(
  (scenario) => options.only.length === 0 || options.only.includes(scenario.name),
);

const cpuCount = cpus().length;
// The bench process runs the in-process baselines (raw SQLite), so it sits on the server's core.
pinToCore(process.pid, cores.subject);
const pinning = canPin()
  ? `server, baselines and SDK sender on core ${cores.subject}; load generator and emulators on core ${cores.load}`
  : "none (taskset or a second core missing)";
const startedAt = new Date();
console.log(
  `mailroute bench (${options.quick ? "quick" : "full"}): Node ${process.version}, ${cpuCount} × ${cpus()[0]?.model ?? "cpu"}\npinning: ${pinning}`,
);

const results: (ScenarioResult & { seconds: number })[] = [];
const failed: { name: string; error: string; seconds: number }[] = [];
for (const scenario of selected) {
  const started = performance.now();
  console.log(`\n-- ${scenario.name} …`);
  try {
    const result = await scenario.run(options);
    const seconds = (performance.now() - started) / 1000;
    results.push({ ...result, seconds });
    printScenario(result);
    console.log(`  (${seconds.toFixed(0)} s)`);
  } catch (error) {
    const seconds = (performance.now() - started) / 1000;
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    failed.push({ name: scenario.name, error: text, seconds });
    console.error(`  ${scenario.name} failed after ${seconds.toFixed(0)} s:\n${text}`);
  }
}

const summary: Row[] = results.flatMap((result) =>
  result.summary.map((line) => ({
    scenario: result.name,
    figure: line.figure,
    value: line.value,
    seconds: Math.round(result.seconds),
  })),
);
for (const failure of failed) {
  summary.push({
    scenario: failure.name,
    figure: "FAILED",
    value: failure.error.split("\n")[0] ?? "",
    seconds: Math.round(failure.seconds),
  });
}
const totalSeconds = (Date.now() - startedAt.getTime()) / 1000;
console.log(`\n${renderTable("== Summary", summary)}`);
console.log(`total ${totalSeconds.toFixed(0)} s`);

mkdirSync(options.resultsDir, { recursive: true });
const report = JSON.stringify(
  {
    startedAt: startedAt.toISOString(),
    mode: options.quick ? "quick" : "full",
    node: process.version,
    cpus: cpuCount,
    cpuModel: cpus()[0]?.model ?? null,
    pinning,
    totalSeconds,
    scenarios: results,
    failed,
  },
  null,
  2,
);
const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
writeFileSync(`${options.resultsDir}/${stamp}.json`, report);
writeFileSync(`${options.resultsDir}/latest.json`, report);
console.log(`results: bench-results/${stamp}.json (and bench-results/latest.json)`);
process.exit(failed.length > 0 ? 1 : 0);
