import { describe, expect, it } from "vitest";
import {
  createPostmarkFetch,
  type PostmarkCall,
  runPostmarkCall,
  transportCodeOf,
} from "./postmark-fetch";

describe("transportCodeOf", () => {
  const fetchFailed = (cause: unknown) => new TypeError("fetch failed", { cause });

  it("reads undici's socket code from the cause", () => {
    expect(
      transportCodeOf(fetchFailed(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))),
    ).toBe("ECONNREFUSED");
  });

  it("reads the first code of a happy-eyeballs AggregateError", () => {
    const aggregate = new AggregateError([Object.assign(new Error("x"), { code: "EHOSTUNREACH" })]);
    expect(transportCodeOf(fetchFailed(aggregate))).toBe("EHOSTUNREACH");
  });

  it("names the caller's deadline apart from the SDK's own timeout", () => {
    const timeout = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    expect(transportCodeOf(timeout)).toBe("TIMEOUT");
    expect(transportCodeOf(timeout, { signal: AbortSignal.abort() })).toBe("DEADLINE");
  });

  it("reads the code back from the message the SDK kept", () => {
    expect(transportCodeOf(new Error("[UND_ERR_SOCKET] fetch failed: other side closed"))).toBe(
      "UND_ERR_SOCKET",
    );
    expect(transportCodeOf(new Error("fetch failed"))).toBe("UNKNOWN");
  });
});

describe("createPostmarkFetch", () => {
  it("never follows redirects and joins the caller's signal to the SDK's", async () => {
    const seen: RequestInit[] = [];
    const wrapped = createPostmarkFetch(async (_input, init) => {
      seen.push(init ?? {});
      return new Response("{}", { status: 200 });
    });
    const caller = new AbortController();
    const sdk = new AbortController();
    await runPostmarkCall({ signal: caller.signal }, () =>
      wrapped("http://127.0.0.1/email", { method: "POST", signal: sdk.signal }),
    );
    const signal = seen[0]?.signal;
    expect(seen[0]?.redirect).toBe("manual");
    expect(signal?.aborted).toBe(false);
    caller.abort();
    expect(signal?.aborted).toBe(true);
  });

  it("records the status, Retry-After and error body, and still hands the body to the SDK", async () => {
    const wrapped = createPostmarkFetch(
      async () =>
        new Response('{"ErrorCode":429,"Message":"slow down"}', {
          status: 429,
          headers: { "retry-after": "3" },
        }),
    );
    const call: PostmarkCall = { signal: new AbortController().signal };
    const response = await runPostmarkCall(call, () => wrapped("http://127.0.0.1/email"));
    expect(await response.json()).toEqual({ ErrorCode: 429, Message: "slow down" });
    expect(call).toMatchObject({
      status: 429,
      retryAfter: "3",
      responseBody: '{"ErrorCode":429,"Message":"slow down"}',
    });
  });

  it("puts the socket code in the message and keeps the original error", async () => {
    const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
      code: "ECONNREFUSED",
    });
    const original = new TypeError("fetch failed", { cause });
    const wrapped = createPostmarkFetch(async () => {
      throw original;
    });
    const call: PostmarkCall = { signal: new AbortController().signal };
    const thrown = await runPostmarkCall(call, () => wrapped("http://127.0.0.1/email")).catch(
      (error: unknown) => error,
    );
    expect((thrown as Error).message).toBe(
      "[ECONNREFUSED] fetch failed: connect ECONNREFUSED 127.0.0.1:9",
    );
    expect(call.transportError).toBe(original);
  });
});
