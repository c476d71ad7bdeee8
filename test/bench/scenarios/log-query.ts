import { openDatabase } from "@mailroute/store";
import type Database from "better-sqlite3";
import { failures, startLoadGenerator } from "../support/load";
import { cachedMessageLog, logTags } from "../support/message-log";
import { type BenchOptions, sidesOf } from "../support/options";
import { startBenchServer } from "../support/server";
import { median, percentile, ratio } from "../support/stats";
import type { Row, ScenarioResult } from "../support/table";

interface ListQuery {
  statuses: string[];
  since: number;
  until: number;
  tag: string;
}

const pageSize = 50;
const dayMs = 86_400_000;

/** The same SELECTs the store runs (packages/store/src/repositories/read-messages.ts), raw. */
function rawStatements(sqlite: Database.Database) {
  const list = (statusCount: number) =>
    sqlite.prepare(
      `select * from messages
       where status in (${Array.from({ length: statusCount }, () => "?").join(", ")})
         and created_at >= ? and created_at < ?
         and exists (select 1 from message_tags
                     where message_tags.message_id = messages.id and message_tags.tag = ?)
       order by created_at desc, id desc limit ?`,
    );
  const listByCount = new Map([1, 2].map((count) => [count, list(count)]));
  const message = sqlite.prepare("select * from messages where id = ?");
  const recipients = sqlite.prepare("select * from recipients where message_id = ? order by rowid");
  const attempts = sqlite.prepare(
    "select * from send_attempts where message_id = ? order by started_at, id",
  );
  const events = sqlite.prepare(
    "select * from delivery_events where message_id = ? order by occurred_at, seq",
  );
  return {
    list(query: ListQuery) {
      return listByCount
        .get(query.statuses.length)
        ?.all(...query.statuses, query.since, query.until, query.tag, pageSize + 1);
    },
    detail(id: string) {
      return [message.get(id), recipients.all(id), attempts.all(id), events.all(id)];
    },
  };
}

/** Random but repeatable queries over the log's time span, and ids that exist. */
function pickQueries(sqlite: Database.Database, messages: number) {
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const span = sqlite
    .prepare("select min(created_at) as first, max(created_at) as last from messages")
    .get() as { first: number; last: number };
  const statusSets = [["delivered"], ["bounced"], ["sent", "deferred"]];
  const lists: ListQuery[] = Array.from({ length: 200 }, () => {
    const since = span.first + Math.floor(random() * (span.last - span.first - dayMs));
    return {
      statuses: statusSets[Math.floor(random() * statusSets.length)] ?? ["delivered"],
      since,
      until: since + dayMs,
      tag: logTags[Math.floor(random() * logTags.length)] ?? "receipt",
    };
  });
  const byRowid = sqlite.prepare("select id from messages where rowid = ?");
  const ids = Array.from({ length: 500 }, () => {
    const row = byRowid.get(1 + Math.floor(random() * messages)) as { id: string } | undefined;
    return row?.id ?? "";
  }).filter((id) => id !== "");
  return { lists, ids };
}

function listPath(query: ListQuery): string {
  const parameters = new URLSearchParams({
    status: query.statuses.join(","),
    since: new Date(query.since).toISOString(),
    until: new Date(query.until).toISOString(),
    tag: query.tag,
    limit: String(pageSize),
  });
  return `/v1/messages?${parameters}`;
}

/**
 * 5. Log query: GET /v1/messages (status + time range + tag) and GET /v1/messages/:id on a log of
 * 1,000,000 messages and 3,000,000 events (100,000 / 300,000 with --quick), one request at a
 * time, against the same SELECTs as raw prepared statements on the same file.
 */
export async function run(options: BenchOptions): Promise<ScenarioResult> {
  const messages = options.quick ? 100_000 : 1_000_000;
  const seconds = options.quick ? 1 : 5;
  const log = cachedMessageLog(options.cacheDir, messages);
  const { sqlite } = openDatabase({ path: log.path });
  const raw = rawStatements(sqlite);
  const { lists, ids } = pickQueries(sqlite, messages);
  const load = await startLoadGenerator();
  const server = await startBenchServer({}, { database: log.path });
  const kinds = [
    {
      name: "GET /v1/messages?status&since&until&tag",
      paths: lists.map(listPath),
      runRaw: (index: number) => raw.list(lists[index % lists.length] as ListQuery),
    },
    {
      name: "GET /v1/messages/:id",
      paths: ids.map((id) => `/v1/messages/${id}`),
      runRaw: (index: number) => raw.detail(ids[index % ids.length] as string),
    },
  ];
  const rows: Row[] = [];
  const summary: ScenarioResult["summary"] = [];
  let failed = 0;
  try {
    for (const kind of kinds) {
      const baselineRound = () => {
        const latencies: number[] = [];
        const until = performance.now() + seconds * 1000;
        for (let index = 0; performance.now() < until; index += 1) {
          const started = performance.now();
          kind.runRaw(index);
          latencies.push(performance.now() - started);
        }
        return latencies;
      };
      const subjectRound = async () => {
        const result = await load.run({
          kind: "cannon",
          url: server.url,
          method: "GET",
          headers: server.headers,
          paths: kind.paths,
          connections: 1,
          durationSeconds: seconds,
        });
        failed += failures(result);
        return result.latenciesMs;
      };
      baselineRound();
      await subjectRound();
      const figures = {
        baseline: { p50: [] as number[], p99: [] as number[] },
        subject: { p50: [] as number[], p99: [] as number[] },
      };
      for (let round = 0; round < options.rounds; round += 1) {
        for (const side of sidesOf(round)) {
          const latencies = side === "baseline" ? baselineRound() : await subjectRound();
          figures[side].p50.push(percentile(latencies, 50));
          figures[side].p99.push(percentile(latencies, 99));
        }
      }
      const p50 = { baseline: median(figures.baseline.p50), subject: median(figures.subject.p50) };
      const p99 = { baseline: median(figures.baseline.p99), subject: median(figures.subject.p99) };
      rows.push({
        query: kind.name,
        "raw p50 ms": p50.baseline,
        "mailroute p50 ms": p50.subject,
        "p50 ratio": ratio(p50.subject, p50.baseline),
        "raw p99 ms": p99.baseline,
        "mailroute p99 ms": p99.subject,
        "p99 ratio": ratio(p99.subject, p99.baseline),
      });
      summary.push({
        figure: `${kind.name} p50 / p99 ms (raw)`,
        value: `${p50.subject.toFixed(2)} / ${p99.subject.toFixed(2)} (${p50.baseline.toFixed(2)} / ${p99.baseline.toFixed(2)})`,
      });
    }
  } finally {
    sqlite.close();
    await server.stop();
    await load.stop();
  }
  return {
    name: "log-query",
    title: `5. Log query on ${messages.toLocaleString("en-US")} messages / ${(messages * 3).toLocaleString("en-US")} events, one request at a time, vs raw prepared SELECTs; medians of ${options.rounds} rounds × ${seconds} s`,
    rows,
    summary,
    notes: [
      `database: ${log.path} (${log.generatedMs === null ? "cached" : `generated in ${(log.generatedMs / 1000).toFixed(0)} s`})`,
      "list: random 1-day windows, statuses delivered | bounced | sent,deferred, one of 8 tags, limit 50; detail: random existing ids",
      "mailroute: HTTP round trip measured by the load generator; raw: the statements alone, in the bench process",
      `failed requests (non-2xx, errors, timeouts), all rounds: ${failed}`,
    ],
  };
}
