// The end-to-end baseline: the official SDK sending the same messages straight to the emulator.

import { sendGridTestApiKey } from "@mailroute/emulators/sendgrid";
import { Client } from "@sendgrid/client";
import { serveCommands } from "../support/child";
import { sendGridMailFor } from "../support/message-body";
import type { SdkCommand, SdkResult } from "../support/sdk-sender";
import { wallNow } from "../support/stats";

let sequence = 0;

function createClient(baseUrl: string): Client {
  const client = new Client();
  // As packages/providers/sendgrid does: setApiKey first (it resets baseUrl), then the defaults.
  client.setApiKey(sendGridTestApiKey);
  // axios would otherwise honour HTTP(S)_PROXY even for 127.0.0.1; the SDK's types do not name
  // `proxy`, but it hands every default to axios.
  const defaults = { baseUrl, proxy: false };
  client.setDefaultRequest(defaults as unknown as Parameters<Client["setDefaultRequest"]>[0]);
  return client;
}

async function run(command: SdkCommand): Promise<SdkResult> {
  const client = createClient(command.baseUrl);
  const durations: number[] = [];
  let next = 0;
  let failed = 0;
  const startedAt = wallNow();
  await Promise.all(
    Array.from({ length: command.concurrency }, async () => {
      while (next < command.count) {
        next += 1;
        sequence += 1;
        const body = sendGridMailFor(`msg_sdk_${sequence}`);
        const start = wallNow();
        try {
          await client.request({ method: "POST", url: "/v3/mail/send", body });
          durations.push(wallNow() - start);
        } catch {
          failed += 1;
        }
      }
    }),
  );
  return { startedAt, finishedAt: wallNow(), durationsMs: durations, failed };
}

serveCommands<SdkCommand>({}, run);
