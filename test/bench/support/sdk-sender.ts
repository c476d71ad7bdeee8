import { startChild } from "./child";
import { cores } from "./proc";

/** Send `count` messages with `concurrency` in flight through @sendgrid/client. */
export interface SdkCommand {
  baseUrl: string;
  count: number;
  concurrency: number;
}

export interface SdkResult {
  startedAt: number;
  finishedAt: number;
  /** Each call's time, from request() to its answer. */
  durationsMs: number[];
  failed: number;
}

/** The direct-SDK sender process, pinned to the subject core like the server it stands for. */
export interface SdkSender {
  pid: number;
  send(command: SdkCommand): Promise<SdkResult>;
  stop(): Promise<void>;
}

export async function startSdkSender(): Promise<SdkSender> {
  const child = await startChild<Record<string, never>>("sdk-sender.ts", cores.subject);
  return {
    pid: child.pid,
    send: (command) => child.call<SdkResult>(command),
    stop: () => child.stop(),
  };
}
