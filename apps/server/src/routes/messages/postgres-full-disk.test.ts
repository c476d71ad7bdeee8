import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeProvider } from "@mailroute/core/testing";
import { createPostgresStore, type PostgresStore } from "@mailroute/store";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeAppsAfterEach, validBody } from "../../test-support";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

const setup = closeAppsAfterEach();

const serverUrl =
  process.env.MAILROUTE_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const database = `mailroute_test_full_${suffix}`;
const tablespace = `mailroute_full_${suffix}`;

/** Runs SQL on the server's maintenance database through psql (no driver needed here). */
function psql(sql: string): string {
  return execFileSync("psql", [serverUrl, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], {
    encoding: "utf8",
  });
}

function databaseUrl(): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

interface ErrorBody {
  error?: { code: string };
  id?: string;
}

// A real disk_full: the test database's tables live in a tablespace on a small tmpfs (owned by
// the postgres user) which a filler table fills up. The server runs on this machine and the
// tests as root, so the mount needs nothing else.
describe("PostgreSQL out of disk space", () => {
  const disk = mkdtempSync(join(tmpdir(), "mailroute-pg-full-"));
  let store: PostgresStore;

  beforeAll(async () => {
    const uid = execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim();
    const gid = execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim();
    execFileSync("mount", [
      "-t",
      "tmpfs",
      "-o",
      `size=24m,mode=0700,uid=${uid},gid=${gid}`,
      "tmpfs",
      disk,
    ]);
    psql(`create tablespace ${tablespace} location '${disk}'`);
    psql(`create database ${database} tablespace ${tablespace}`);
    store = await createPostgresStore({ url: databaseUrl() });
  });

  afterAll(() => {
    psql(`drop database if exists ${database} with (force)`);
    psql(`drop tablespace if exists ${tablespace}`);
    execFileSync("umount", [disk]);
    rmSync(disk, { recursive: true, force: true });
  });

  /** Fills the tablespace with uncompressed random text until PostgreSQL answers 53100. */
  async function fillUp(): Promise<void> {
    await store.pool.query("create table filler (data text)");
    await store.pool.query("alter table filler alter column data set storage external");
    for (const rows of [1000, 100, 10, 1]) {
      for (;;) {
        try {
          await store.pool.query(
            "insert into filler select string_agg(md5(random()::text), '') from generate_series(1, 100), generate_series(1, $1::int) as row group by row",
            [rows],
          );
        } catch (error) {
          expect((error as { code?: string }).code).toBe("53100");
          break;
        }
      }
    }
  }

  it("answers accepts 503 STORAGE_FULL with Retry-After, stores nothing it did not acknowledge, and takes them again once space is back", async () => {
    const app = await setup({ providers: [createFakeProvider("primary")], store });
    const send = async (index: number) => {
      const response = await app.send({ ...validBody, subject: `Receipt ${index}` });
      const body = (await response.json()) as ErrorBody;
      return { status: response.status, retryAfter: response.headers.get("retry-after"), body };
    };
    const first = await send(0);
    expect(first.status).toBe(202);
    await fillUp();

    // Free room inside existing pages may take a few more; then every accept is refused.
    const answers: Awaited<ReturnType<typeof send>>[] = [];
    for (let index = 1; index <= 2000; index += 1) {
      answers.push(await send(index));
      if (answers.filter((answer) => answer.status === 503).length >= 5) {
        break;
      }
    }
    const refused = answers.filter((answer) => answer.status === 503);
    expect(refused).toHaveLength(5);
    expect(answers.filter((answer) => answer.status !== 202 && answer.status !== 503)).toEqual([]);
    for (const answer of refused) {
      expect(answer.body.error?.code).toBe("STORAGE_FULL");
      expect(answer.retryAfter).toBe("30");
    }

    // Space is back: the same store takes the next accept, without reconnecting.
    await store.pool.query("drop table filler");
    const recovered = await send(5000);
    expect(recovered.status).toBe(202);

    // Every 202 is stored; no refused one is.
    const acknowledged = [first, ...answers, recovered].filter((answer) => answer.status === 202);
    for (const answer of acknowledged) {
      expect((await store.getMessage(answer.body.id ?? ""))?.id).toBe(answer.body.id);
    }
    const stored = await store.listMessages({ limit: 100 });
    expect(stored.data.length).toBe(Math.min(100, acknowledged.length));
    expect(await store.countPendingJobs()).toBe(acknowledged.length);
  });
});
