import { errorFromResponse, MailrouteError } from "./errors";

/** How the client retries: network errors, timeouts, 429 and 5xx, with exponential backoff. */
export interface RetryOptions {
  /** Retries after the first try: 3 by default (so at most 4 requests). */
  maxRetries?: number;
  /** The first backoff; each next one doubles, with full jitter: 250 ms by default. */
  baseDelayMs?: number;
  /** No wait is longer than this, a server's Retry-After included: 30 s by default. */
  maxDelayMs?: number;
}

/** What a Mailroute client is built from. */
export interface MailrouteOptions {
  /** Where mailroute listens, e.g. `http://localhost:3000` (no `/v1`). */
  baseUrl: string;
  /** A mailroute API key (`mr_…`), sent as a Bearer token. */
  apiKey: string;
  /** Deadline of each request, retries apart: 30 s by default. */
  timeoutMs?: number;
  /** A `fetch` to use instead of the global one (a proxy agent, a test double). */
  fetch?: typeof fetch;
  retry?: RetryOptions;
}

/** One request as a namespace method describes it. */
export interface RequestSpec {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  query?: object | undefined;
  body?: unknown;
  headers?: Record<string, string>;
  /** Retried when it is safe: a GET, or a POST carrying an Idempotency-Key. */
  retry?: boolean;
  signal?: AbortSignal | undefined;
}

/** Per-call options every method takes. */
export interface CallOptions {
  /** Aborts the call (and any retry still to come). */
  signal?: AbortSignal;
}

const retryableStatuses = (status: number) => status === 429 || status >= 500;

/** A Retry-After header in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  const trimmed = value?.trim();
  if (!trimmed) {
    return undefined;
  }
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    return Math.round(Number(trimmed) * 1000);
  }
  // An HTTP date names its weekday or month in letters; Date.parse alone reads "-1" as a year.
  if (!/[A-Za-z]{3}/.test(trimmed)) {
    return undefined;
  }
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function queryString(query: object | undefined): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) {
        search.append(name, String(item));
      }
    }
  }
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}

/** Sends requests to one mailroute: auth, deadline, retries and error mapping, nothing else. */
export class Transport {
  readonly #baseUrl: string;
  readonly #apiKey: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #retry: Required<RetryOptions>;

  constructor(options: MailrouteOptions) {
    if (!options.baseUrl) {
      throw new TypeError("Mailroute: baseUrl is required");
    }
    if (!options.apiKey) {
      throw new TypeError("Mailroute: apiKey is required");
    }
    this.#baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    // Bound late, so a fetch patched or polyfilled after construction is still the one used.
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#retry = {
      maxRetries: options.retry?.maxRetries ?? 3,
      baseDelayMs: options.retry?.baseDelayMs ?? 250,
      maxDelayMs: options.retry?.maxDelayMs ?? 30_000,
    };
  }

  /** Sends one request (retrying it when `spec.retry`), answers its JSON, undefined for a 204. */
  async request<T>(spec: RequestSpec): Promise<T> {
    const maxRetries = spec.retry ? this.#retry.maxRetries : 0;
    for (let attempt = 0; ; attempt += 1) {
      const outcome = await this.#attempt(spec);
      if (outcome.ok) {
        return outcome.value as T;
      }
      if (attempt >= maxRetries || !outcome.retryable) {
        throw outcome.error;
      }
      await sleep(this.#delay(attempt, outcome.retryAfterMs), spec.signal);
    }
  }

  #delay(attempt: number, retryAfterMs: number | undefined): number {
    const { baseDelayMs, maxDelayMs } = this.#retry;
    const backoff = Math.random() * baseDelayMs * 2 ** attempt;
    return Math.min(maxDelayMs, retryAfterMs ?? backoff);
  }

  async #attempt(
    spec: RequestSpec,
  ): Promise<
    | { ok: true; value: unknown }
    | { ok: false; error: MailrouteError; retryable: boolean; retryAfterMs?: number | undefined }
  > {
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new DOMException("deadline passed", "TimeoutError")),
      this.#timeoutMs,
    );
    const onAbort = () => deadline.abort(spec.signal?.reason);
    spec.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const headers: Record<string, string> = {
        authorization: `Bearer ${this.#apiKey}`,
        accept: "application/json",
        ...spec.headers,
      };
      if (spec.body !== undefined) {
        headers["content-type"] = "application/json";
      }
      const response = await this.#fetch(`${this.#baseUrl}${spec.path}${queryString(spec.query)}`, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: deadline.signal,
      });
      if (response.ok) {
        const text = await response.text();
        return { ok: true, value: text === "" ? undefined : JSON.parse(text) };
      }
      return {
        ok: false,
        error: await errorFromResponse(response),
        retryable: retryableStatuses(response.status),
        retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
      };
    } catch (cause) {
      if (spec.signal?.aborted) {
        throw cause;
      }
      const timedOut = deadline.signal.aborted;
      return {
        ok: false,
        retryable: true,
        error: new MailrouteError({
          status: 0,
          code: timedOut ? "TIMEOUT" : "NETWORK_ERROR",
          message: timedOut
            ? `no answer from ${this.#baseUrl} within ${this.#timeoutMs} ms`
            : `could not reach ${this.#baseUrl}: ${cause instanceof Error ? cause.message : String(cause)}`,
          cause,
        }),
      };
    } finally {
      clearTimeout(timer);
      spec.signal?.removeEventListener("abort", onAbort);
    }
  }
}
