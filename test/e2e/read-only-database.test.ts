import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSqliteStore } from "@mailroute/store";
import { makeDatabaseUnwritable } from "@mailroute/store/testing";
import { describe, expect, it } from "vitest";
import { startServerExpectingRefusal } from "./support/server-process";

describe("a database that cannot be written", () => {
  it("stops the server from starting, with a message naming the file and what to do", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "mailroute-readonly-")), "mailroute.db");
    await createSqliteStore({ path }).close();
    // Tests run as root, where chmod 444 stops no write: instead the file's header makes SQLite
    // itself open it read-only (see makeDatabaseUnwritable), as it would a read-only file.
    makeDatabaseUnwritable(path);
    const { exitCode, stderr } = await startServerExpectingRefusal({
      MAILROUTE_DATABASE: path,
      MAILROUTE_CONFIG: "",
      MAILROUTE_API_KEY: "e2e-admin-key-0123456789",
    });
    expect(exitCode).toBe(1);
    expect(stderr).toContain(`mailroute cannot start: the database ${path} cannot be written`);
    expect(stderr).toContain("attempt to write a readonly database");
    expect(stderr).toMatch(/point MAILROUTE_DATABASE .* at a writable file/);
  });
});
