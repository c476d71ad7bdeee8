import { AsyncLocalStorage } from "node:async_hooks";
import type { PostmarkFetch } from "./postmark-settings";

/**
 * What one send learns from the transport that the SDK does not pass on: the caller's deadline
 * going in; the status line, Retry-After, error body and raw network error coming out.
 */
export interface PostmarkCall {
  /** The caller's deadline (`SendOptions.signal`), combined with the SDK's own timeout. */
  readonly signal: AbortSignal;
  status?: number;
  retryAfter?: string | null;
  responseBody?: string;
  /** The error `fetch` threw, with undici's `cause` intact. */
  transportError?: unknown;
}

// The ServerClient is shared by every send of an account, so the per-send state travels with the
// async context of the call rather than on the client.
const calls = new AsyncLocalStorage<PostmarkCall>();

/** Runs `body` (an SDK call) with `call` visible to the fetch wrapper underneath it. */
export function runPostmarkCall<T>(call: PostmarkCall, body: () => Promise<T>): Promise<T> {
  return calls.run(call, body);
}

/** Statuses whose responses may not carry a body (the Response constructor refuses one). */
const nullBodyStatuses = new Set([101, 204, 205, 304]);

function readCode(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) {
    return undefined;
  }
  const { code, errors } = value as { code?: unknown; errors?: unknown };
  if (typeof code === "string") {
    return code;
  }
  // Happy-eyeballs connects fail with an AggregateError holding one error per address.
  return Array.isArray(errors) ? readCode(errors[0]) : undefined;
}

/**
 * The most specific code for a failed fetch: undici's socket code from `cause` (ECONNREFUSED,
 * UND_ERR_SOCKET…), DEADLINE when the caller's signal ended it, TIMEOUT for the SDK's own timeout.
 */
export function transportCodeOf(error: unknown, call?: PostmarkCall): string {
  if (call?.signal.aborted) {
    return "DEADLINE";
  }
  const cause = error instanceof Error ? error.cause : undefined;
  const code = readCode(cause) ?? readCode(error);
  if (code) {
    return code;
  }
  // undici refuses the ports of the Fetch standard's "bad port" list before connecting; its
  // cause carries that message and no code.
  if (cause instanceof Error && cause.message === "bad port") {
    return "BAD_PORT";
  }
  const name = error instanceof Error ? error.name : undefined;
  if (name === "TimeoutError") {
    return "TIMEOUT";
  }
  if (name === "AbortError") {
    return "ABORTED";
  }
  // Without the wrapper only the message survives the SDK: "[CODE] …".
  const tagged = error instanceof Error ? /^\[([A-Z0-9_]+)\]/.exec(error.message) : null;
  return tagged?.[1] ?? "UNKNOWN";
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

/**
 * Wraps `fetch` for the Postmark SDK so that:
 * - redirects are not followed: a 302 would replay the POST as a GET and the SDK would report
 *   whatever the GET answered as a sent message;
 * - a network failure keeps its cause: the SDK keeps only `message` (v5 reduces refused and reset
 *   alike to "fetch failed"), so the code goes into the message and the error into the call;
 * - the caller's signal joins the SDK's timeout, so the deadline covers connect, headers and body.
 */
export function createPostmarkFetch(baseFetch: PostmarkFetch = globalThis.fetch): PostmarkFetch {
  return async (input, init) => {
    const call = calls.getStore();
    const signals = [init?.signal, call?.signal].filter(
      (signal): signal is AbortSignal => signal instanceof AbortSignal,
    );
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    let response: Response;
    try {
      response = await baseFetch(input, { ...init, signal, redirect: "manual" });
    } catch (error) {
      if (call) {
        call.transportError = error;
      }
      const code = transportCodeOf(error, call);
      throw new Error(`[${code}] ${describeFailure(error)}`, { cause: error });
    }
    if (!call) {
      return response;
    }
    call.status = response.status;
    call.retryAfter = response.headers.get("retry-after");
    if (response.ok || nullBodyStatuses.has(response.status)) {
      return response;
    }
    // The SDK keeps only ErrorCode and Message of an error body; keep the text for the attempt log.
    const text = await response.text().catch((error: unknown) => {
      call.transportError = error;
      throw new Error(`[${transportCodeOf(error, call)}] ${describeFailure(error)}`, {
        cause: error,
      });
    });
    call.responseBody = text;
    return new Response(text, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
