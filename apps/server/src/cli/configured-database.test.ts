import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrationsFolder, postgresMigrationsFolder } from "@mailroute/store";
import { describe, expect, it } from "vitest";
import { createEmptyDatabase } from "../postgres-test-support";
import { migrateConfiguredDatabase } from "./configured-database";

const countMigrations = (folder: string) =>
  (
    JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as {
      entries: unknown[];
    }
  ).entries.length;

describe("mailroute migrate", () => {
  it("migrates the SQLite file MAILROUTE_DATABASE names, then finds it up to date", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "mailroute-cli-migrate-")), "mailroute.db");
    const variables = { MAILROUTE_DATABASE: path, MAILROUTE_CONFIG: "" };
    expect(await migrateConfiguredDatabase(variables)).toEqual({
      database: `SQLite ${path}`,
      applied: countMigrations(migrationsFolder),
    });
    expect(await migrateConfiguredDatabase(variables)).toEqual({
      database: `SQLite ${path}`,
      applied: 0,
    });
  });

  it("migrates the PostgreSQL database DATABASE_URL names, naming it without its password", async () => {
    const database = await createEmptyDatabase();
    try {
      // trust authentication ignores the password; the report must not show it anyway.
      const url = new URL(database.url);
      url.password = "not-to-be-shown";
      const variables = { DATABASE_URL: url.toString(), MAILROUTE_CONFIG: "" };
      const first = await migrateConfiguredDatabase(variables);
      expect(first.applied).toBe(countMigrations(postgresMigrationsFolder));
      expect(first.applied).toBeGreaterThan(0);
      expect(first.database).toMatch(/^PostgreSQL postgres:\/\/postgres:\*\*\*@/);
      expect(first.database).not.toContain("not-to-be-shown");
      expect((await migrateConfiguredDatabase(variables)).applied).toBe(0);
    } finally {
      await database.drop();
    }
  });

  it("says which database it cannot reach, without the password", async () => {
    const variables = {
      DATABASE_URL: "postgres://mailroute:hunter2@127.0.0.1:1/mailroute",
      MAILROUTE_CONFIG: "",
    };
    const error = await migrateConfiguredDatabase(variables).then(
      () => null,
      (caught: unknown) => caught as Error,
    );
    expect(error?.message).toMatch(
      /^cannot migrate PostgreSQL postgres:\/\/mailroute:\*\*\*@127\.0\.0\.1:1\/mailroute: .*ECONNREFUSED/,
    );
    expect(error?.message).not.toContain("hunter2");
  });
});
