import { randomBytes } from "node:crypto";
import pg from "pg";
import type { PostgresFloorCommand, PostgresFloorResult } from "../processes/postgres-floor";
import { startChild } from "../support/child";
import { failures, type LoadResult, startLoadGenerator } from "../support/load";
import { sendBodyJson } from "../support/message-body";
import { type BenchOptions, sidesOf } from "../support/options";
import { cores } from "../support/proc";
import { type BenchServer, startBenchServer } from "../support/server";
import { median, percentile, ratio } from "../support/stats";
import { formatRatio, type Row, type ScenarioResult } from "../support/table";

/** The PostgreSQL server the bench uses: MAILROUTE_TEST_POSTGRES_URL, or the local default. */
function serverUrl(): string {
  return process.env.MAILROUTE_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

/** A new, empty database on that server, and how to drop it. */
async function createDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const onServer = async (text: string) => {
    const client = new pg.Client({ connectionString: serverUrl() });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await onServer(`create database ${name}`);
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => onServer(`drop database if exists ${name} with (force)`),
  };
}

interface Figures {
  perSecond: number;
  p50: number;
  p99: number;
  failed: number;
}

function figuresOf(runs: LoadResult[][]): Figures {
  // One round may be several load runs at once (one per instance): their rates add up.
  const rates = runs.map((round) => round.reduce((sum, run) => sum + run.perSecond, 0));
  const p50s = runs.map((round) =>
    percentile(
      round.flatMap((run) => run.latenciesMs),
      50,
    ),
  );
  const p99s = runs.map((round) =>
    percentile(
      round.flatMap((run) => run.latenciesMs),
      99,
    ),
  );
  return {
    perSecond: median(rates),
    p50: median(p50s),
    p99: median(p99s),
    failed: runs.flat().reduce((sum, run) => sum + failures(run), 0),
  };
}

/**
 * Durable accept on PostgreSQL: POST /v1/messages (2 KB, 3 recipients) → 202 at c = 50 on one
 * instance and on two instances sharing the database, against the storage floor (the same rows
 * through raw prepared statements into the same schema, 50 messages per commit).
 */
export async function run(options: BenchOptions): Promise<ScenarioResult> {
  const connections = 50;
  const floorBatch = 50;
  const seconds = options.quick ? 2 : 5;
  // Scheduled a week ahead, so the dispatchers leave the messages alone: only the accept path runs.
  const body = sendBodyJson({ sendAt: new Date(Date.now() + 7 * 86_400_000).toISOString() });
  const serverDatabase = await createDatabase("mailroute_bench");
  const floorDatabase = await createDatabase("mailroute_bench_floor");
  const servers: BenchServer[] = [];
  const load = await startLoadGenerator();
  const floor = await startChild<Record<string, never>>("postgres-floor.ts", cores.subject, {
    url: floorDatabase.url,
  });
  const config = { providers: [{ name: "capture", type: "capture" }] };
  const shoot = (targets: BenchServer[], durationSeconds: number) =>
    Promise.all(
      targets.map((server) =>
        load.run({
          kind: "cannon",
          url: `${server.url}/v1/messages`,
          method: "POST",
          headers: server.headers,
          body,
          connections: connections / targets.length,
          durationSeconds,
        }),
      ),
    );
  const floorRates: number[] = [];
  const floorCpu: number[] = [];
  const one: LoadResult[][] = [];
  const two: LoadResult[][] = [];
  try {
    servers.push(await startBenchServer(config, { database: serverDatabase.url }));
    servers.push(await startBenchServer(config, { database: serverDatabase.url }));
    const [first] = servers as [BenchServer, BenchServer];
    await shoot([first], 1);
    await shoot(servers, 1);
    await floor.call<PostgresFloorResult>({ seconds: 1, batch: floorBatch });
    // Alternating floor and mailroute (B S, S B…), one instance then two in each mailroute turn.
    for (let round = 0; round < options.rounds; round += 1) {
      for (const side of sidesOf(round)) {
        if (side === "baseline") {
          const result = await floor.call<PostgresFloorResult>({
            seconds,
            batch: floorBatch,
          } satisfies PostgresFloorCommand);
          floorRates.push(result.perSecond);
          floorCpu.push(result.cpuMicrosPerMessage);
        } else if (round % 2 === 0) {
          one.push(await shoot([first], seconds));
          two.push(await shoot(servers, seconds));
        } else {
          two.push(await shoot(servers, seconds));
          one.push(await shoot([first], seconds));
        }
      }
    }
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await floor.stop();
    await load.stop();
    await serverDatabase.drop();
    await floorDatabase.drop();
  }
  const floorRate = median(floorRates);
  const single = figuresOf(one);
  const pair = figuresOf(two);
  const rows: Row[] = [
    {
      subject: `storage floor, ${floorBatch} per commit`,
      "msgs/s": floorRate,
      "ratio to floor": 1,
      "p50 ms": "",
      "p99 ms": "",
      "CPU µs/msg": Math.round(median(floorCpu)),
      failed: 0,
    },
    {
      subject: `mailroute, 1 instance, c=${connections}`,
      "msgs/s": single.perSecond,
      "ratio to floor": ratio(single.perSecond, floorRate),
      "p50 ms": single.p50,
      "p99 ms": single.p99,
      "CPU µs/msg": "",
      failed: single.failed,
    },
    {
      subject: `mailroute, 2 instances, c=${connections / 2}+${connections / 2}`,
      "msgs/s": pair.perSecond,
      "ratio to floor": ratio(pair.perSecond, floorRate),
      "p50 ms": pair.p50,
      "p99 ms": pair.p99,
      "CPU µs/msg": "",
      failed: pair.failed,
    },
  ];
  return {
    name: "postgres",
    title: `9. Durable accept on PostgreSQL (POST /v1/messages → 202, synchronous_commit = on) vs its storage floor; medians of ${options.rounds} rounds × ${seconds} s`,
    rows,
    summary: [
      {
        figure: `1 instance / floor at c=${connections} (target ≥ 0.5×)`,
        value: formatRatio(ratio(single.perSecond, floorRate)),
      },
      {
        figure: "2 instances / 1 instance on one database",
        value: formatRatio(ratio(pair.perSecond, single.perSecond)),
      },
      {
        figure: `storage floor, ${floorBatch} per commit: msgs/s; CPU/msg`,
        value: `${Math.round(floorRate).toLocaleString("en-US")}; ${Math.round(median(floorCpu))} µs`,
      },
    ],
    notes: [
      "the body carries sendAt a week ahead, so the dispatchers do not run during the measurement",
      "both instances run the whole server (API and workers) on one database; the load is split evenly between them",
      `storage floor: the same rows (message and payload, 3 recipients, tag, 3 queued events, job) through raw prepared statements (one multi-row insert per table) into a database migrated to mailroute's schema, ${floorBatch} messages per transaction, synchronous_commit = on, one connection, no HTTP`,
      "failed = non-2xx answers + socket errors + timeouts, summed over rounds",
    ],
  };
}
