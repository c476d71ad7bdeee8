import { startChild } from "./child";
import { cores } from "./proc";

/** The bare Hono route of test/bench/processes/bare-hono.ts, on the subject core. */
export interface BaselineServer {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

export async function startBareHono(): Promise<BaselineServer> {
  const child = await startChild<{ url: string }>("bare-hono.ts", cores.subject);
  return { pid: child.pid, url: child.ready.url, stop: () => child.stop() };
}
