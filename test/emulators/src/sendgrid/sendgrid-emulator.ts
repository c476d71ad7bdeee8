import { randomBytes } from "node:crypto";
import type { LedgerEntry } from "@mailroute/core/testing";
import {
  type EmulatorDefinition,
  type EmulatorRequest,
  type EmulatorResponse,
  type RunningEmulator,
  startEmulator,
} from "../emulator-server";
import { mapSendGridLedgerEntries } from "./map-sendgrid-ledger-entries";
import type { SendGridErrorItem } from "./sendgrid-mail";
import { validateSendGridMail } from "./validate-sendgrid-mail";

/** How a test sets up the SendGrid emulator. */
export interface SendGridEmulatorOptions {
  /** The only API key accepted as `Authorization: Bearer <key>`; "SG.test-key" by default. */
  apiKey?: string;
}

/** The key the emulator accepts unless told otherwise. */
export const sendGridTestApiKey = "SG.test-key";

/** The v3 Mail Send body limit: 30 MB including attachments (Mail Send "Limitations"). */
export const sendGridMaxBodyBytes = 30 * 1024 * 1024;

const sendPath = "/v3/mail/send";

// What SendGrid answers for each status when a fault gives no body. Gateways in front of the API
// answer 502/504 with HTML rather than the JSON error shape.
const errorMessages: Record<number, string> = {
  400: "Bad Request",
  401: "The provided authorization grant is invalid, expired, or revoked",
  403: "access forbidden",
  404: "not found",
  405: "method not allowed",
  413: "The JSON payload you have included in your request is too large.",
  415: "Content-Type should be application/json.",
  429: "too many requests",
  500: "internal error",
  503: "service unavailable",
};

function errorResponse(status: number, errors: SendGridErrorItem[]): EmulatorResponse {
  return { status, body: JSON.stringify({ errors }) };
}

function simpleError(status: number, message: string): EmulatorResponse {
  return errorResponse(status, [{ message, field: null, help: null }]);
}

function sendGridErrorBody(status: number): { body: string; contentType: string } {
  if (status < 300) {
    return { body: "", contentType: "application/json" };
  }
  const message = errorMessages[status];
  if (message === undefined) {
    return {
      body: `<html><body><h1>${status}</h1></body></html>`,
      contentType: "text/html",
    };
  }
  return {
    body: JSON.stringify({ errors: [{ message, field: null, help: null }] }),
    contentType: "application/json",
  };
}

/** X-Message-Id values look like "W9oQ8IXsS-2hQxjDNSbrPQ": 16 random bytes, base64url. */
function newMessageId(): string {
  return randomBytes(16).toString("base64url");
}

function handleSend(
  request: EmulatorRequest,
  apiKey: string,
  record: (entries: LedgerEntry[]) => void,
): EmulatorResponse {
  const authorization = request.headers.authorization;
  if (!authorization) {
    return simpleError(401, "authorization required");
  }
  if (authorization !== `Bearer ${apiKey}`) {
    return simpleError(401, errorMessages[401] ?? "");
  }
  let body: unknown;
  try {
    body = JSON.parse(request.body.toString("utf8"));
  } catch {
    return simpleError(400, "Bad Request");
  }
  const checked = validateSendGridMail(body);
  if ("errors" in checked) {
    return errorResponse(400, checked.errors);
  }
  const providerMessageId = newMessageId();
  // Sandbox mode validates the request and answers 200 without queueing anything
  // (https://www.twilio.com/docs/sendgrid/for-developers/sending-email/sandbox-mode).
  if (checked.mail.mail_settings?.sandbox_mode?.enable === true) {
    return { status: 200, body: "" };
  }
  const entries = mapSendGridLedgerEntries(checked.mail, providerMessageId, body);
  record(entries);
  return {
    status: 202,
    headers: { "x-message-id": providerMessageId },
    body: "",
    accepted: entries[0],
  };
}

/**
 * Starts an emulator of SendGrid's v3 Mail Send API on 127.0.0.1: Bearer auth, the API's
 * validation and limits, 202 with an empty body and the X-Message-Id header, and
 * `{"errors":[{message, field, help}]}` for failures.
 */
export async function startSendGridEmulator(
  options: SendGridEmulatorOptions = {},
): Promise<RunningEmulator> {
  const apiKey = options.apiKey ?? sendGridTestApiKey;
  // The shared base records one entry per answer; a request with several personalizations is
  // several messages, so the full ledger is kept here.
  const ledger: LedgerEntry[] = [];
  const definition: EmulatorDefinition = {
    isSend: (request) => request.method === "POST" && request.path === sendPath,
    errorBody: sendGridErrorBody,
    maxBodyBytes: sendGridMaxBodyBytes,
    handle(request) {
      if (request.path !== sendPath) {
        return simpleError(404, "not found");
      }
      if (request.method !== "POST") {
        return simpleError(405, "method not allowed");
      }
      return handleSend(request, apiKey, (entries) => ledger.push(...entries));
    },
  };
  const running = await startEmulator(definition);
  return {
    ...running,
    ledger: () => [...ledger],
    reset() {
      running.reset();
      ledger.length = 0;
    },
  };
}
