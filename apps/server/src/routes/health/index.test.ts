import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeProvider } from "@mailroute/core/testing";
import { createPostgresStore, createSqliteStore } from "@mailroute/store";
import { createPostgresTestDatabase, makeDatabaseUnwritable } from "@mailroute/store/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { connectAdmin } from "../../postgres-test-support";
import { createTestApp } from "../../test-support";

const apps: Awaited<ReturnType<typeof createTestApp>>[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    await app.close();
  }
});

async function readyApp(store: Parameters<typeof createTestApp>[0]["store"]) {
  const app = await createTestApp({
    providers: [createFakeProvider("primary")],
    store,
    withoutApiKey: true,
  });
  apps.push(app);
  app.dispatcher.start();
  return app;
}

describe("GET /readyz", () => {
  it("answers 503 with the reason when the database answers reads but refuses writes", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "mailroute-ready-")), "mailroute.db");
    const writable = await readyApp(createSqliteStore({ path }));
    const ready = await writable.app.request("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", dispatcher: true, pendingJobs: 0 });
    await writable.close();

    // SQLite now opens the file read-only (see makeDatabaseUnwritable): reads answer, as they
    // do on a read-only file, while every send would fail.
    makeDatabaseUnwritable(path);
    const readOnly = await readyApp(createSqliteStore({ path }));
    const notReady = await readOnly.app.request("/readyz");
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({
      status: "not_ready",
      dispatcher: true,
      pendingJobs: 0,
      reason: "the database does not take writes: attempt to write a readonly database",
    });
  });
});

describe("GET /readyz on PostgreSQL", () => {
  it("answers 503 with the reason while the database is down or refuses writes, and 200 once it is back", async () => {
    const database = await createPostgresTestDatabase();
    const admin = await connectAdmin();
    try {
      const app = await readyApp(await createPostgresStore({ url: database.url, migrate: false }));
      const readiness = async () => {
        const answer = await app.app.request("/readyz");
        return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
      };
      // The pool learns of a connection the server ended only when its socket closes, so a
      // probe right after may still see the old state: the bound is generous, not a delay.
      const becomes = (expected: unknown) =>
        vi.waitFor(async () => expect(await readiness()).toEqual(expected), 10_000);
      const ready = { status: 200, body: { status: "ready", dispatcher: true, pendingJobs: 0 } };
      expect(await readiness()).toEqual(ready);

      // Down: the database takes no new connection, and the pool's open ones are ended.
      await admin.query(`alter database ${database.name} allow_connections false`);
      await admin.terminateConnections(database.name);
      const down = await readiness();
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ status: "not_ready", pendingJobs: null });
      expect(down.body.reason).toMatch(/^the database does not answer: .+/);

      await admin.query(`alter database ${database.name} allow_connections true`);
      await becomes(ready);

      // Refusing writes: new sessions are read-only, as on a standby; reads still answer.
      await admin.query(`alter database ${database.name} set default_transaction_read_only = on`);
      await admin.terminateConnections(database.name);
      await becomes({
        status: 503,
        body: {
          status: "not_ready",
          dispatcher: true,
          pendingJobs: 0,
          reason: expect.stringMatching(
            /^the database does not take writes: .*read-only transaction/,
          ),
        },
      });

      await admin.query(`alter database ${database.name} reset default_transaction_read_only`);
      await admin.terminateConnections(database.name);
      await becomes(ready);
    } finally {
      for (const app of apps.splice(0)) {
        await app.close();
      }
      await admin.end();
      await database.drop();
    }
  });
});
