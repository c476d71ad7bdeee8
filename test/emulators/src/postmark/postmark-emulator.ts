import { randomUUID } from "node:crypto";
import type { LedgerEntry } from "@mailroute/core/testing";
import {
  type EmulatorRequest,
  type EmulatorResponse,
  type RunningEmulator,
  startEmulator,
} from "../emulator-server";
import { type PostmarkEmailBody, toLedgerEntry } from "./postmark-ledger-entry";
import {
  type PostmarkApiError,
  postmarkLimits,
  postmarkMessages,
  recipientAddresses,
  validatePostmarkEmail,
} from "./postmark-validate-email";

/** How a test configures the Postmark emulator. */
export interface PostmarkEmulatorOptions {
  /** The only server token accepted (`X-Postmark-Server-Token`). */
  serverToken?: string;
  /** Addresses Postmark has marked inactive (hard bounce, spam complaint, manual suppression). */
  inactiveRecipients?: string[];
}

/** A running Postmark emulator. */
export interface PostmarkEmulator extends RunningEmulator {
  readonly serverToken: string;
  /** Marks more addresses inactive, as a hard bounce would. */
  deactivate(...addresses: string[]): void;
}

/** The token the emulator accepts when none is configured. */
export const defaultPostmarkServerToken = "postmark-emulator-server-token";

const sendPaths = new Set(["/email", "/email/batch"]);

function json(status: number, body: unknown, accepted?: LedgerEntry[]): Answer {
  return { status, body: JSON.stringify(body), accepted };
}

function gatewayPage(status: number): string {
  return `<html><head><title>${status}</title></head><body><h1>${status}</h1></body></html>`;
}

type Answer = Omit<EmulatorResponse, "accepted"> & { accepted?: LedgerEntry[] | undefined };

interface SendOutcome {
  result:
    | PostmarkApiError
    | (PostmarkApiError & { To: string; SubmittedAt: string; MessageID: string });
  accepted?: LedgerEntry;
}

function sendOne(body: unknown, inactive: Set<string>): SendOutcome {
  const error = validatePostmarkEmail(body);
  if (error) {
    return { result: error };
  }
  const email = body as PostmarkEmailBody;
  const recipients = recipientAddresses(email);
  const suppressed = recipients.filter((address) => inactive.has(address));
  // All recipients inactive: nothing is sent (422/406). Some: the rest get it, and the 200 says so.
  if (suppressed.length === recipients.length) {
    return { result: { ErrorCode: 406, Message: postmarkMessages.inactive(suppressed) } };
  }
  const messageId = randomUUID();
  return {
    result: {
      To: typeof email.To === "string" ? email.To : "",
      SubmittedAt: new Date().toISOString(),
      MessageID: messageId,
      ErrorCode: 0,
      Message: suppressed.length > 0 ? postmarkMessages.partlyInactive(suppressed) : "OK",
    },
    accepted: toLedgerEntry(email, messageId),
  };
}

function checkRequest(request: EmulatorRequest, serverToken: string): Answer | null {
  const token = request.headers["x-postmark-server-token"];
  if (typeof token !== "string" || token.trim() === "") {
    return json(401, { ErrorCode: 10, Message: postmarkMessages.missingToken });
  }
  if (token.trim() !== serverToken) {
    return json(401, { ErrorCode: 10, Message: postmarkMessages.invalidToken });
  }
  if (!String(request.headers["content-type"] ?? "").includes("application/json")) {
    return json(422, { ErrorCode: 409, Message: postmarkMessages.jsonRequired });
  }
  return null;
}

function handle(request: EmulatorRequest, serverToken: string, inactive: Set<string>): Answer {
  if (request.method !== "POST" || !sendPaths.has(request.path)) {
    return { status: 404, headers: { "content-type": "text/html" }, body: gatewayPage(404) };
  }
  const refused = checkRequest(request, serverToken);
  if (refused) {
    return refused;
  }
  if (request.path === "/email" && request.body.length > postmarkLimits.maxMessageBytes) {
    return { status: 413, headers: { "content-type": "text/html" }, body: gatewayPage(413) };
  }
  let body: unknown;
  try {
    body = JSON.parse(request.body.toString("utf8"));
  } catch {
    return json(422, { ErrorCode: 402, Message: postmarkMessages.invalidJson });
  }
  if (request.path === "/email") {
    const outcome = sendOne(body, inactive);
    const accepted = outcome.accepted ? [outcome.accepted] : [];
    return json(outcome.result.ErrorCode === 0 ? 200 : 422, outcome.result, accepted);
  }
  // Batch: a bare array; per-message failures come back inside a 200, by position.
  if (!Array.isArray(body)) {
    return json(422, { ErrorCode: 403, Message: postmarkMessages.incompatibleJson });
  }
  if (body.length > postmarkLimits.maxBatchMessages) {
    return json(422, {
      ErrorCode: 410,
      Message: `You may send at most ${postmarkLimits.maxBatchMessages} messages in a batch.`,
    });
  }
  const outcomes = body.map((item) => sendOne(item, inactive));
  return json(
    200,
    outcomes.map((outcome) => outcome.result),
    outcomes.flatMap((outcome) => (outcome.accepted ? [outcome.accepted] : [])),
  );
}

/** The error body Postmark gives for a status, for status faults that name none. */
function errorBody(status: number): { body: string; contentType: string } {
  const documented: Record<number, PostmarkApiError> = {
    401: { ErrorCode: 10, Message: postmarkMessages.invalidToken },
    422: { ErrorCode: 300, Message: "Invalid email request." },
    429: { ErrorCode: 429, Message: "Rate limit exceeded. Slow down your requests." },
    500: { ErrorCode: 500, Message: "Internal server error." },
    503: { ErrorCode: 503, Message: "Service unavailable: Postmark is in maintenance." },
  };
  const body = documented[status];
  // Statuses the API overview does not list come from the gateway in front of it, as HTML.
  return body
    ? { body: JSON.stringify(body), contentType: "application/json" }
    : { body: gatewayPage(status), contentType: "text/html" };
}

/**
 * Starts an emulator of Postmark's send API (`POST /email`, `POST /email/batch`) on 127.0.0.1:
 * server-token auth, Postmark's validation and limits, its success and error shapes, inactive
 * recipients, and the shared fault knobs.
 */
export async function startPostmarkEmulator(
  options: PostmarkEmulatorOptions = {},
): Promise<PostmarkEmulator> {
  const serverToken = options.serverToken ?? defaultPostmarkServerToken;
  const inactive = new Set((options.inactiveRecipients ?? []).map((email) => email.toLowerCase()));
  // A batch accepts several messages in one request, so the emulator keeps the ledger itself.
  const ledger: LedgerEntry[] = [];
  const running = await startEmulator({
    isSend: (request) => request.method === "POST" && sendPaths.has(request.path),
    handle(request) {
      const { accepted, ...answer } = handle(request, serverToken, inactive);
      ledger.push(...(accepted ?? []));
      return answer;
    },
    errorBody,
    maxBodyBytes: postmarkLimits.maxBatchBytes,
  });
  return {
    ...running,
    serverToken,
    ledger: () => [...ledger],
    reset() {
      running.reset();
      ledger.length = 0;
    },
    deactivate(...addresses) {
      for (const address of addresses) {
        inactive.add(address.toLowerCase());
      }
    },
  };
}
