import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMailroute, type Mailroute, parseConfig } from "@mailroute/server";
import { pino } from "pino";

const apiKey = "in-process-admin-key-0123";

/** A mailroute wired in this process (real store file, real providers, real dispatcher). */
export interface InProcessMailroute {
  mailroute: Mailroute;
  send(body: unknown): Promise<{ status: number; id: string }>;
  get<T>(path: string): Promise<T>;
  close(): Promise<void>;
}

/** Starts mailroute in this process from a configuration object; the dispatcher runs. */
export async function startInProcess(config: Record<string, unknown>): Promise<InProcessMailroute> {
  const folder = mkdtempSync(join(tmpdir(), "mailroute-faults-"));
  const mailroute = await createMailroute({
    config: parseConfig({ ...config, database: join(folder, "mailroute.db") }),
    logger: pino({ level: "silent" }),
    adminKey: apiKey,
  });
  mailroute.dispatcher.start();
  const headers = { authorization: `Bearer ${apiKey}`, "content-type": "application/json" };
  return {
    mailroute,
    async send(body) {
      const response = await mailroute.app.request("/v1/messages", {
        method: "POST",
        headers,
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as { id: string };
      return { status: response.status, id: json.id };
    },
    async get<T>(path: string) {
      const response = await mailroute.app.request(path, { headers });
      return (await response.json()) as T;
    },
    close: () => mailroute.close(),
  };
}
