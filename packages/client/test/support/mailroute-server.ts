import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { createMailroute, parseConfig } from "@mailroute/server";
import { pino } from "pino";

export const adminKey = "client-tests-admin-key-0123456789";

/** A real mailroute (SQLite file, capture provider, both workers) listening on a free port. */
export interface RunningMailroute {
  url: string;
  close(): Promise<void>;
}

/** Starts mailroute in this process and serves it over HTTP on 127.0.0.1. */
export async function startMailroute(): Promise<RunningMailroute> {
  const folder = mkdtempSync(join(tmpdir(), "mailroute-client-"));
  const mailroute = await createMailroute({
    config: parseConfig({
      database: join(folder, "mailroute.db"),
      providers: [{ name: "capture", type: "capture" }],
      routes: [{ name: "default", providers: ["capture"] }],
      dispatch: { pollIntervalMs: 20 },
      // The test's webhook receiver listens on loopback.
      outbound: { allowLoopback: true, pollIntervalMs: 20 },
    }),
    logger: pino({ level: "silent" }),
    adminKey,
  });
  mailroute.dispatcher.start();
  mailroute.outboundWorker.start();
  const server = serve({ fetch: mailroute.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mailroute.close();
    },
  };
}

/** Polls `check` until it answers true, or fails after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
