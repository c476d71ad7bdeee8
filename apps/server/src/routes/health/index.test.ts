import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeProvider } from "@mailroute/core/testing";
import { createSqliteStore } from "@mailroute/store";
import { makeDatabaseUnwritable } from "@mailroute/store/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createTestApp } from "../../test-support";

const apps: Awaited<ReturnType<typeof createTestApp>>[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    await app.close();
  }
});

async function readyApp(path: string) {
  const app = await createTestApp({
    providers: [createFakeProvider("primary")],
    store: createSqliteStore({ path }),
    withoutApiKey: true,
  });
  apps.push(app);
  app.dispatcher.start();
  return app;
}

describe("GET /readyz", () => {
  it("answers 503 with the reason when the database answers reads but refuses writes", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "mailroute-ready-")), "mailroute.db");
    const writable = await readyApp(path);
    const ready = await writable.app.request("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", dispatcher: true, pendingJobs: 0 });
    await writable.close();

    // SQLite now opens the file read-only (see makeDatabaseUnwritable): reads answer, as they
    // do on a read-only file, while every send would fail.
    makeDatabaseUnwritable(path);
    const readOnly = await readyApp(path);
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
