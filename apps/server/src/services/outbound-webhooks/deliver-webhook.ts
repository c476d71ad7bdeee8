import { parseRetryAfter } from "@mailroute/core";
import { Agent, request } from "undici";
import { createPinnedLookup } from "./create-pinned-lookup";
import { readResponseExcerpt } from "./read-response-excerpt";
import {
  type ResolveSafeTargetOptions,
  resolveSafeTarget,
  type SafeTarget,
} from "./resolve-safe-target";
import { WebhookTargetError } from "./webhook-target-error";

/** Why a delivery attempt did not succeed; `http_status` covers every non-2xx, non-3xx answer. */
export const webhookDeliveryErrorCodes = [
  "unsafe_target",
  "unresolvable",
  "timeout",
  "aborted",
  "connection_failed",
  "redirect",
  "http_status",
] as const;

/** One of {@link webhookDeliveryErrorCodes}. */
export type WebhookDeliveryErrorCode = (typeof webhookDeliveryErrorCodes)[number];

/** One POST of one signed event to one endpoint. */
export interface DeliverWebhookOptions extends ResolveSafeTargetOptions {
  url: string;
  /** The exact JSON text that was signed. */
  body: string;
  /** The `webhook-*` signature headers of this attempt (from signWebhook), and any others. */
  headers: Readonly<Record<string, string>>;
  /** Deadline for the whole attempt, DNS to the last byte read: 15 s by default (Svix's limit). */
  timeoutMs?: number | undefined;
  /** How much of the response body to read and keep: 4 KiB by default; the rest is dropped. */
  maxResponseBytes?: number | undefined;
  /** Aborts the attempt early, e.g. on shutdown. */
  signal?: AbortSignal | undefined;
}

/** What one attempt produced, to record as-is; no network or HTTP failure is thrown. */
export interface WebhookDeliveryResult {
  /** A 2xx answer within the deadline; redirects are failures and are never followed. */
  ok: boolean;
  /** The HTTP status, or null when no answer arrived. */
  status: number | null;
  /** 410 Gone: the receiver asks for the endpoint to be disabled. */
  gone: boolean;
  durationMs: number;
  /** The first `maxResponseBytes` of the answer's body, decoded as UTF-8; empty without one. */
  responseExcerpt: string;
  /** The receiver's Retry-After in ms, when it sent one. */
  retryAfterMs: number | null;
  /** Null exactly when `ok`. */
  error: { code: WebhookDeliveryErrorCode; message: string } | null;
}

const defaultTimeoutMs = 15_000;
const defaultMaxResponseBytes = 4096;

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;
}

function failure(
  code: WebhookDeliveryErrorCode,
  message: string,
  durationMs: number,
): WebhookDeliveryResult {
  return {
    ok: false,
    status: null,
    gone: false,
    durationMs,
    responseExcerpt: "",
    retryAfterMs: null,
    error: { code, message },
  };
}

/** Maps what a refused target or a failed connection threw; anything else is a bug and rethrown. */
function failureFromError(error: unknown, durationMs: number): WebhookDeliveryResult {
  if (error instanceof WebhookTargetError) {
    const code = error.reason === "unresolvable" ? "unresolvable" : "unsafe_target";
    return failure(code, error.message, durationMs);
  }
  const code = errorCode(error);
  if (code === undefined || !(error instanceof Error)) {
    throw error;
  }
  const message = `${code}: ${error.message}`;
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT") {
    return failure("timeout", message, durationMs);
  }
  return failure("connection_failed", message, durationMs);
}

function classifyStatus(
  status: number,
  location: string | undefined,
): WebhookDeliveryResult["error"] {
  if (status >= 200 && status < 300) {
    return null;
  }
  if (status >= 300 && status < 400) {
    const target = location === undefined ? "" : ` to ${location.slice(0, 200)}`;
    return { code: "redirect", message: `HTTP ${status}: redirect${target} not followed` };
  }
  if (status === 410) {
    return { code: "http_status", message: "HTTP 410 Gone: the receiver asks to be disabled" };
  }
  return { code: "http_status", message: `HTTP ${status}` };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  responseExcerpt: string;
}

/** Sends the POST through an agent whose DNS is pinned to the checked address, then closes it. */
async function postToTarget(
  target: SafeTarget,
  options: DeliverWebhookOptions,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<Answer> {
  // One agent per attempt: its lookup answers with this attempt's checked address only.
  const agent = new Agent({
    connect: { lookup: createPinnedLookup(target), timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  try {
    // undici's request() never follows redirects unless a redirect interceptor is added.
    const response = await request(target.url, {
      dispatcher: agent,
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "mailroute-webhooks",
        ...options.headers,
      },
      body: options.body,
      signal,
    });
    const responseExcerpt = await readResponseExcerpt(
      response.body,
      options.maxResponseBytes ?? defaultMaxResponseBytes,
    );
    return { status: response.statusCode, headers: response.headers, responseExcerpt };
  } finally {
    await agent.destroy();
  }
}

function resultFromAnswer(answer: Answer, durationMs: number): WebhookDeliveryResult {
  const error = classifyStatus(answer.status, firstHeader(answer.headers.location));
  return {
    ok: error === null,
    status: answer.status,
    gone: answer.status === 410,
    durationMs,
    responseExcerpt: answer.responseExcerpt,
    retryAfterMs: parseRetryAfter(firstHeader(answer.headers["retry-after"])) ?? null,
    error,
  };
}

/**
 * POSTs one signed delivery to a checked address: the host is resolved and vetted first and the
 * connection pinned to that address; no redirects, a total deadline and a capped body read.
 */
export async function deliverWebhook(
  options: DeliverWebhookOptions,
): Promise<WebhookDeliveryResult> {
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error("deadline exceeded")), timeoutMs);
  const signal =
    options.signal === undefined
      ? deadline.signal
      : AbortSignal.any([deadline.signal, options.signal]);
  try {
    const target = await untilAborted(resolveSafeTarget(options.url, options), signal);
    return resultFromAnswer(await postToTarget(target, options, signal, timeoutMs), elapsed());
  } catch (error) {
    if (error instanceof WebhookTargetError) {
      return failureFromError(error, elapsed());
    }
    if (deadline.signal.aborted) {
      return failure("timeout", `no complete answer within ${timeoutMs} ms`, elapsed());
    }
    if (options.signal?.aborted === true) {
      return failure("aborted", "the delivery was aborted", elapsed());
    }
    return failureFromError(error, elapsed());
  } finally {
    clearTimeout(timer);
  }
}
