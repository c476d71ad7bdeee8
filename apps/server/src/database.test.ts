import { ConfigError } from "@mailroute/core";
import { describe, expect, it } from "vitest";
import { parseConfig } from "./config";
import {
  databaseProblem,
  describeDatabase,
  errorDetail,
  redactDatabaseUrl,
  scrubPassword,
  selectDatabase,
} from "./database";
import { parseEnvironment } from "./env";

function configProblems(raw: unknown) {
  try {
    parseConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.details;
    }
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("choosing the database", () => {
  const url = "postgres://mailroute:s3cret@db.internal:5432/mailroute";

  it("is the SQLite file by default, and a postgres:// or postgresql:// URL selects PostgreSQL", () => {
    const config = parseConfig({});
    expect(selectDatabase(config.database, {})).toEqual({
      kind: "sqlite",
      path: "./data/mailroute.db",
    });
    expect(config.postgres).toEqual({ migrateOnStart: true });
    for (const value of [url, "postgresql://db/mailroute", "POSTGRES://db/mailroute"]) {
      expect(selectDatabase(parseConfig({ database: value }).database, {})).toEqual({
        kind: "postgres",
        url: value,
      });
    }
    expect(parseConfig({ postgres: { poolSize: 20, migrateOnStart: false } }).postgres).toEqual({
      poolSize: 20,
      migrateOnStart: false,
    });
  });

  it("takes MAILROUTE_DATABASE over DATABASE_URL over the configuration; empty means unset", () => {
    const environment = (variables: Record<string, string>) => parseEnvironment(variables);
    expect(selectDatabase("./a.db", environment({ DATABASE_URL: url }))).toEqual({
      kind: "postgres",
      url,
    });
    expect(
      selectDatabase("./a.db", environment({ DATABASE_URL: url, MAILROUTE_DATABASE: "./b.db" })),
    ).toEqual({ kind: "sqlite", path: "./b.db" });
    expect(selectDatabase(url, environment({ DATABASE_URL: "", MAILROUTE_DATABASE: "" }))).toEqual({
      kind: "postgres",
      url,
    });
  });

  it("refuses other URL schemes and broken URLs without repeating the value", () => {
    expect(configProblems({ database: "mysql://root:hunter2@db/mail" })).toEqual([
      {
        path: "database",
        message:
          "a mysql:// URL is not a database mailroute can use: give a postgres:// URL or the path of a SQLite file",
      },
    ]);
    expect(configProblems({ database: "postgres://u:hunter2@[broken/db" })).toEqual([
      {
        path: "database",
        message: "is not a valid PostgreSQL URL (postgres://user:password@host:5432/database)",
      },
    ]);
    expect(configProblems({ postgres: { poolSize: 0, migrate: true } })).toHaveLength(2);
    expect(databaseProblem("./data/mailroute.db")).toBeNull();
    expect(databaseProblem("C:\\data\\mailroute.db")).toBeNull();
    expect(databaseProblem(":memory:")).toBeNull();
  });

  it("refuses a DATABASE_URL that is not PostgreSQL's, and a bad MAILROUTE_DATABASE", () => {
    expect(() => parseEnvironment({ DATABASE_URL: "./data/mailroute.db" })).toThrow(
      "DATABASE_URL: must be a postgres:// URL (a SQLite file goes in MAILROUTE_DATABASE or `database`)",
    );
    let message = "";
    try {
      parseEnvironment({ MAILROUTE_DATABASE: "mysql://root:hunter2@db/mail" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("MAILROUTE_DATABASE: a mysql:// URL is not a database");
    expect(message).not.toContain("hunter2");
  });
});

describe("naming the database without its password", () => {
  it("redacts the password of the user part and of the query string", () => {
    expect(redactDatabaseUrl("postgres://mailroute:s3cret@db:5432/mail")).toBe(
      "postgres://mailroute:***@db:5432/mail",
    );
    expect(redactDatabaseUrl("postgres://db/mail?user=u&password=s3cret&sslmode=require")).toBe(
      "postgres://db/mail?user=u&password=***&sslmode=require",
    );
    expect(redactDatabaseUrl("postgres://u@db/mail")).toBe("postgres://u@db/mail");
    expect(describeDatabase({ kind: "postgres", url: "postgresql://u:p%40ss@db/mail" })).toBe(
      "PostgreSQL postgresql://u:***@db/mail",
    );
    expect(describeDatabase({ kind: "sqlite", path: "./data/mailroute.db" })).toBe(
      "SQLite ./data/mailroute.db",
    );
  });

  it("scrubs the password, raw or percent-encoded, from error text and its causes", () => {
    const url = "postgres://u:p%40ss@db/mail";
    expect(scrubPassword(`failed for ${url} with p@ss and p%40ss`, url)).toBe(
      "failed for postgres://u:***@db/mail with *** and ***",
    );
    const error = new Error("cannot connect", { cause: new Error("auth p@ss refused") });
    expect(errorDetail(error, url)).toBe("cannot connect: auth *** refused");
  });
});
