import {
  classifyHttpStatus,
  type FailureOutcome,
  ProviderError,
  type ProviderErrorReason,
  parseRetryAfter,
} from "@mailroute/core";
import { Errors } from "postmark";
import { type PostmarkCall, transportCodeOf } from "./postmark-fetch";

interface Classification {
  outcome: FailureOutcome;
  reason: ProviderErrorReason;
}

const permanent = (reason: ProviderErrorReason): Classification => ({
  outcome: "permanent",
  reason,
});
const retryable = (reason: ProviderErrorReason): Classification => ({
  outcome: "retryable",
  reason,
});

/**
 * Postmark's API ErrorCodes inside a 422 (https://postmarkapp.com/developer/api/overview#error-codes).
 * Codes not listed are a message Postmark refused: permanent.
 */
const unprocessableByErrorCode: Record<number, Classification> = {
  // Inactive recipient (hard bounce, complaint, manual suppression): another provider must not
  // deliver it either, and the suppression list takes the addresses.
  406: permanent("recipient_suppressed"),
  300: permanent("invalid_request"),
  // The account, not the message: sender signature missing or unconfirmed, no credits, pending
  // approval, not allowed to send. Another account can send it.
  400: retryable("authentication"),
  401: retryable("authentication"),
  405: retryable("authentication"),
  412: retryable("authentication"),
  413: retryable("authentication"),
  // Postmark's own forbidden-attachment list; a provider with another list may carry it.
  411: retryable("unsupported"),
};

/** Network failures before a byte of the request left: nothing was sent. */
const connectCodes = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "EPROTO",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
]);
/**
 * Requests fetch refused to make at all (a base URL on a port fetch forbids, or not a URL):
 * nothing left, and the provider's settings, not the network, must change.
 */
const refusedLocallyCodes = new Set(["BAD_PORT", "ERR_INVALID_URL"]);
/** Deadlines that passed while the request was out: it may have been taken. */
const timeoutCodes = new Set([
  "DEADLINE",
  "TIMEOUT",
  "ABORTED",
  "ETIMEDOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** Classifies a socket-level failure by its code (reliability.md §4.3). */
export function classifyTransportCode(code: string): Classification {
  if (connectCodes.has(code) || code.startsWith("CERT_") || code.startsWith("ERR_TLS_")) {
    return retryable("network");
  }
  if (refusedLocallyCodes.has(code)) {
    return retryable("provider_unavailable");
  }
  if (timeoutCodes.has(code)) {
    return { outcome: "ambiguous", reason: "timeout" };
  }
  // Reset, hang-up or anything unknown once the request may have been written: maybe sent.
  return { outcome: "ambiguous", reason: code === "UNKNOWN" ? "unknown" : "interrupted" };
}

/** Classifies an HTTP answer from Postmark by status and, for 422, by its ErrorCode. */
export function classifyPostmarkStatus(status: number, errorCode: number): Classification {
  if (status === 422) {
    return unprocessableByErrorCode[errorCode] ?? permanent("invalid_request");
  }
  // Above Postmark's 10 MB limit; a provider with a larger limit can carry it.
  if (status === 413) {
    return retryable("unsupported");
  }
  return classifyHttpStatus(status);
}

const inactivePattern = /inactive addresses:\s*([\s\S]*?)\.?\s*Inactive recipients/i;

/**
 * The addresses a 406 names. Parsed here because the SDK's pattern misses the older, multi-line
 * wording ("…inactive.\nFound inactive addresses: a@b.c.\nInactive recipients…").
 */
export function parseInactiveRecipients(message: string): string[] {
  const list = inactivePattern.exec(message)?.[1] ?? "";
  return list
    .split(",")
    .map((address) => address.trim().toLowerCase())
    .filter((address) => address.includes("@"));
}

/** What the adapter knows when a send failed. */
export interface PostmarkFailure {
  provider: string;
  error: unknown;
  call: PostmarkCall;
  /** The message's recipients, named when a 406 does not list them. */
  recipients: string[];
}

function fromResponse(failure: PostmarkFailure, status: number, errorCode: number): ProviderError {
  const { error, call } = failure;
  const classification = classifyPostmarkStatus(status, errorCode);
  const message = error instanceof Error ? error.message : String(error);
  const suppressed = classification.reason === "recipient_suppressed";
  const named = suppressed ? parseInactiveRecipients(message) : [];
  return new ProviderError({
    provider: failure.provider,
    ...classification,
    message,
    providerCode: errorCode !== 0 ? String(errorCode) : String(status),
    statusCode: status,
    retryAfterMs: parseRetryAfter(call.retryAfter),
    responseBody: call.responseBody,
    rejectedRecipients: suppressed ? (named.length > 0 ? named : failure.recipients) : undefined,
    cause: error,
  });
}

/** Turns whatever a Postmark send threw into a classified ProviderError. */
export function mapPostmarkError(failure: PostmarkFailure): ProviderError {
  const { error, call } = failure;
  if (error instanceof Errors.PostmarkError && error.statusCode > 0) {
    return fromResponse(failure, error.statusCode, error.code);
  }
  // The status line arrived but its body did not: the status still says what happened.
  if (call.status !== undefined && call.status >= 300) {
    return fromResponse(failure, call.status, 0);
  }
  const code = transportCodeOf(call.transportError ?? error, call);
  return new ProviderError({
    provider: failure.provider,
    ...classifyTransportCode(code),
    message: error instanceof Error ? error.message : String(error),
    providerCode: code,
    cause: call.transportError ?? error,
  });
}
