import type { EmulatorControl, EmulatorFault } from "@mailroute/core/testing";
import { defaultPostmarkServerToken, startPostmarkEmulator } from "@mailroute/emulators/postmark";
import { sendGridTestApiKey, startSendGridEmulator } from "@mailroute/emulators/sendgrid";
import { waitUntil } from "./api-client";
import { type InProcessMailroute, startInProcess } from "./in-process";

/** A message as the fault tests read it back. */
export interface Outcome {
  id: string;
  status: string;
  provider: string | null;
  possibleDuplicate: boolean;
  error: { class: string; reason: string; message: string; code?: string } | null;
  attempts: { provider: string; outcome: string }[];
  routing: { skipped: { provider: string; reason: string }[] } | null;
}

/** Figures every fault scenario reports and asserts on. */
export interface Figures {
  acknowledged: number;
  sent: number;
  failed: number;
  lost: number;
  duplicates: number;
  flagged: number;
}

const finalStatuses = new Set(["sent", "failed", "rejected", "held", "delivered", "bounced"]);

/** Primary SendGrid and secondary Postmark emulators behind one in-process mailroute. */
export interface FaultPair {
  primary: EmulatorControl;
  secondary: EmulatorControl;
  mailroute: InProcessMailroute;
  /** Sends `count` messages and waits until every one has left dispatch. */
  sendAll(count: number, body?: Record<string, unknown>): Promise<Outcome[]>;
  figures(outcomes: Outcome[]): Figures;
  close(): Promise<void>;
}

export const messageBody = {
  from: "Acme <noreply@acme.test>",
  to: "user@example.com",
  subject: "Your password reset code",
  text: "123456",
};

/** Starts the pair; `primaryUrl` replaces the primary's address (a closed port for refusals). */
export async function startFaultPair(
  options: {
    primaryUrl?: string;
    inactiveRecipients?: string[];
    breaker?: Record<string, number>;
    retry?: Record<string, number>;
    secondaryFirst?: boolean;
  } = {},
): Promise<FaultPair> {
  const primary = await startSendGridEmulator();
  const secondary = await startPostmarkEmulator({
    inactiveRecipients: options.inactiveRecipients ?? [],
  });
  const providers = [
    {
      name: "primary",
      type: "sendgrid",
      apiKey: sendGridTestApiKey,
      baseUrl: options.primaryUrl ?? primary.baseUrl,
      timeoutMs: 1000,
    },
    {
      name: "secondary",
      type: "postmark",
      serverToken: defaultPostmarkServerToken,
      baseUrl: secondary.baseUrl,
      timeoutMs: 1000,
    },
  ];
  const mailroute = await startInProcess({
    providers: options.secondaryFirst ? [...providers].reverse() : providers,
    dispatch: { concurrency: 8, pollIntervalMs: 20, attemptTimeoutMs: 800, leaseMarginMs: 1000 },
    retry: {
      initialDelayMs: 100,
      maxDelayMs: 400,
      maxAttempts: 30,
      deadlineMs: 60_000,
      ...options.retry,
    },
    breaker: { volumeThreshold: 1000, resetTimeoutMs: 60_000, ...options.breaker },
  });
  const read = (id: string) => mailroute.get<Outcome>(`/v1/messages/${id}`);
  return {
    primary,
    secondary,
    mailroute,
    async sendAll(count, body = messageBody) {
      const ids: string[] = [];
      for (let index = 0; index < count; index += 1) {
        const answer = await mailroute.send(body);
        if (answer.status !== 202) {
          throw new Error(`send answered ${answer.status}`);
        }
        ids.push(answer.id);
      }
      await waitUntil(
        async () =>
          (await Promise.all(ids.map(read))).every((outcome) => finalStatuses.has(outcome.status)),
        20_000,
        50,
      );
      return Promise.all(ids.map(read));
    },
    figures(outcomes) {
      const ledgerIds = [...primary.ledger(), ...secondary.ledger()].map(
        (entry) => entry.mailrouteId,
      );
      const copies = (id: string) => ledgerIds.filter((ledgerId) => ledgerId === id).length;
      return {
        acknowledged: outcomes.length,
        sent: outcomes.filter((outcome) => outcome.status === "sent").length,
        failed: outcomes.filter((outcome) => outcome.status === "failed").length,
        // Lost: never left dispatch, or reported sent while no provider holds it.
        lost: outcomes.filter(
          (outcome) =>
            !finalStatuses.has(outcome.status) ||
            (outcome.status === "sent" && copies(outcome.id) === 0),
        ).length,
        duplicates: outcomes.reduce((sum, outcome) => sum + Math.max(0, copies(outcome.id) - 1), 0),
        flagged: outcomes.filter((outcome) => outcome.possibleDuplicate).length,
      };
    },
    async close() {
      await mailroute.close();
      await primary.close();
      await secondary.close();
    },
  };
}

/** Faults by name, for the scenario table. */
export const faults: Record<string, EmulatorFault> = {
  status500: { kind: "status", status: 500 },
  status503: { kind: "status", status: 503 },
  status429: { kind: "status", status: 429, retryAfter: "1" },
  status401: { kind: "status", status: 401 },
  status400: { kind: "status", status: 400 },
  hang: { kind: "hang" },
  acceptThenReset: { kind: "acceptThenReset" },
  slow: { kind: "latency", ms: 150 },
};
