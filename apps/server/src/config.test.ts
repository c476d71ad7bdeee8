import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@mailroute/core";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "./config";
import { parseEnvironment } from "./env";

function problems(raw: unknown, variables: Record<string, string> = {}) {
  try {
    parseConfig(raw, variables);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.details;
    }
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  it("with nothing configured, uses one capture provider, a default route and ./data/mailroute.db", () => {
    const config = parseConfig({});
    expect(config.providers).toEqual([{ name: "capture", type: "capture" }]);
    expect(config.routes).toEqual([
      { name: "default", strategy: "priority", providers: ["capture"] },
    ]);
    expect(config.database).toBe("./data/mailroute.db");
    expect(config.synchronous).toBe("full");
    expect(config.dispatch).toEqual({
      concurrency: 64,
      pollIntervalMs: 250,
      attemptTimeoutMs: 15_000,
      leaseMarginMs: 15_000,
    });
    expect(config.outbound).toEqual({
      concurrency: 8,
      pollIntervalMs: 500,
      timeoutMs: 15_000,
      leaseMs: 60_000,
      allowLoopback: false,
      allowPrivate: false,
    });
    expect(config.server).toEqual({ bodyLimitBytes: 10 * 1024 * 1024, sendAtHorizonDays: 30 });
    expect(config.retry).toEqual({
      maxAttempts: 8,
      initialDelayMs: 1000,
      maxDelayMs: 300_000,
      deadlineMs: 3_600_000,
    });
    expect(config.breaker).toMatchObject({ volumeThreshold: 10, resetTimeoutMs: 20_000 });
    expect(parseConfig({ dispatch: { concurrency: 4 } }).dispatch).toMatchObject({
      concurrency: 4,
      pollIntervalMs: 250,
    });
  });

  it("resolves env: secrets and names a missing variable by path", () => {
    const config = parseConfig(
      { providers: [{ name: "sg", type: "capture", latencyMs: 1, note: "env:NOTE" }] },
      { NOTE: "from-env" },
    );
    expect(config.providers[0]).toMatchObject({ note: "from-env" });
    expect(
      problems({ providers: [{ name: "sg", type: "sendgrid", apiKey: "env:SENDGRID_API_KEY" }] }),
    ).toEqual([
      { path: "providers[0].apiKey", message: "environment variable SENDGRID_API_KEY is not set" },
    ]);
  });

  it("names each invalid field", () => {
    const details = problems({
      providers: [{ name: "Bad Name", type: "carrier-pigeon" }],
      routes: "x",
      extra: 1,
    });
    expect(details.map((detail) => detail.path).sort()).toEqual([
      "extra",
      "providers[0].name",
      "providers[0].type",
      "routes",
    ]);
  });

  it("refuses routes that name unknown providers and duplicate provider names", () => {
    expect(
      problems({
        providers: [{ name: "a", type: "capture" }],
        routes: [{ name: "r", providers: ["a", "b"] }],
      }),
    ).toEqual([
      { path: "routes[0].providers[1]", message: 'names provider "b", which is not configured' },
    ]);
    expect(
      problems({
        providers: [
          { name: "a", type: "capture" },
          { name: "a", type: "capture" },
        ],
      })[0]?.message,
    ).toMatch(/duplicate/);
  });

  it("reads server.publicUrl and an env: unsubscribe secret, and refuses unusable values", () => {
    const config = parseConfig(
      {
        server: { publicUrl: "https://mail.example.com", unsubscribeSecret: "env:UNSUB_SECRET" },
        routes: [{ name: "r", providers: ["capture"], defaults: { unsubscribe: true } }],
      },
      { UNSUB_SECRET: "s".repeat(40) },
    );
    expect(config.server).toMatchObject({
      publicUrl: "https://mail.example.com",
      unsubscribeSecret: "s".repeat(40),
    });
    expect(
      problems({
        server: { publicUrl: "mail.example.com", unsubscribeSecret: "short" },
      }).map((problem) => problem.path),
    ).toEqual(["server.publicUrl", "server.unsubscribeSecret"]);
    expect(problems({ server: { publicUrl: "ftp://mail.example.com" } })[0]?.path).toBe(
      "server.publicUrl",
    );
    expect(problems({ server: { publicUrl: "https://mail.example.com/?x=1" } })[0]?.path).toBe(
      "server.publicUrl",
    );
  });

  it("reads an env: metrics token and refuses a short one", () => {
    expect(parseConfig({}, {}).metrics.token).toBeUndefined();
    const config = parseConfig(
      { metrics: { token: "env:METRICS_TOKEN" } },
      { METRICS_TOKEN: "t".repeat(24) },
    );
    expect(config.metrics.token).toBe("t".repeat(24));
    expect(problems({ metrics: { token: "short" } }).map((problem) => problem.path)).toEqual([
      "metrics.token",
    ]);
    expect(problems({ metrics: { bearer: "t".repeat(24) } })[0]?.path).toBe("metrics.bearer");
  });

  it("keeps content 30 days, raw payloads 7 and records 90 unless told otherwise", () => {
    expect(parseConfig({}).retention).toEqual({
      content: "30d",
      raw: "7d",
      records: "90d",
      interval: "1h",
      batchSize: 100,
    });
    expect(parseConfig({ retention: { raw: "never", interval: "15m" } }).retention).toMatchObject({
      content: "30d",
      raw: "never",
      interval: "15m",
    });
  });

  it("names each retention field that is not a duration", () => {
    expect(problems({ retention: { content: "30 days", records: 90, keep: "1d" } })).toEqual([
      {
        path: "retention.content",
        message: "must be a duration such as 30d, 12h, 90m or 45s, or never",
      },
      { path: "retention.records", message: expect.stringContaining("expected string") },
      { path: "retention.keep", message: "is not a known field" },
    ]);
  });

  it("refuses a route's default unsubscribe without server.publicUrl", () => {
    expect(
      problems({
        routes: [{ name: "r", providers: ["capture"], defaults: { unsubscribe: true } }],
      }),
    ).toEqual([
      {
        path: "routes[0].defaults.unsubscribe",
        message: expect.stringContaining("server.publicUrl"),
      },
    ]);
  });
});

describe("loadConfig", () => {
  it("reads the named file and reports a missing or broken one", () => {
    const folder = mkdtempSync(join(tmpdir(), "mailroute-config-"));
    const file = join(folder, "mailroute.config.json");
    writeFileSync(file, JSON.stringify({ database: join(folder, "m.db") }));
    expect(loadConfig(file, {}).config.database).toBe(join(folder, "m.db"));
    expect(() => loadConfig(join(folder, "missing.json"), {})).toThrow(/does not exist/);
    writeFileSync(file, "{ nope");
    expect(() => loadConfig(file, {})).toThrow(/not valid JSON/);
  });
});

describe("parseEnvironment", () => {
  it("applies defaults and lists every problem", () => {
    expect(parseEnvironment({})).toMatchObject({ PORT: 3000, LOG_LEVEL: "info" });
    expect(() => parseEnvironment({ PORT: "http", MAILROUTE_API_KEY: "short" })).toThrow(
      /PORT[\s\S]*MAILROUTE_API_KEY/,
    );
  });
});
