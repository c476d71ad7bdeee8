import { describe, expect, it } from "vitest";
import { ProviderError } from "../errors/provider-error";
import { retryPolicySchema } from "../routing/route-schema";
import type { PlanResult } from "./run-plan";
import { type Settlement, type SettleRoundInput, settleRound } from "./settle-round";

const acceptedAt = new Date("2026-01-01T00:00:00.000Z");
const now = acceptedAt.getTime() + 60_000;
const retry = retryPolicySchema.parse({
  maxAttempts: 3,
  initialDelayMs: 1000,
  maxDelayMs: 60_000,
  deadlineMs: 600_000,
});

const refused = new ProviderError({
  provider: "a",
  outcome: "permanent",
  reason: "invalid_request",
  message: "bad address",
  providerCode: "422",
  statusCode: 422,
});
const inactive = new ProviderError({
  provider: "postmark",
  outcome: "permanent",
  reason: "recipient_suppressed",
  message: "inactive recipient",
  rejectedRecipients: ["gone@example.com", "left@example.com"],
});
const unavailable = new ProviderError({
  provider: "a",
  outcome: "retryable",
  reason: "provider_unavailable",
  message: "503 from a",
  statusCode: 503,
});
const slowDown = new ProviderError({
  provider: "b",
  outcome: "retryable",
  reason: "rate_limited",
  message: "429 from b",
  retryAfterMs: 45_000,
});
const noAnswer = new ProviderError({
  provider: "a",
  outcome: "ambiguous",
  reason: "timeout",
  message: "no answer within 1000 ms",
  providerCode: "DEADLINE",
});

const retryOf = (overrides: Partial<Extract<PlanResult, { kind: "retry" }>> = {}): PlanResult => ({
  kind: "retry",
  errors: [],
  possibleDuplicate: false,
  skipped: [],
  ...overrides,
});

const job = (overrides: Partial<SettleRoundInput["job"]> = {}): SettleRoundInput["job"] => ({
  rounds: 0,
  pinnedProvider: null,
  acceptedAt,
  message: {},
  ...overrides,
});

const stalledB = { provider: "b", reason: "stalled" as const, detail: "2 calls in flight" };

// A 429 asking for 45 s, and the retry it comes to when the deadline allows one.
const slowedDown = retryOf({ lastError: slowDown, errors: [slowDown], retryAfterMs: 45_000 });
const retryAfterSlowDown: Settlement = {
  kind: "retry",
  runAt: new Date(now + 45_000),
  error: {
    class: "retryable",
    reason: "rate_limited",
    code: undefined,
    message: "429 from b",
    statusCode: undefined,
  },
  possibleDuplicate: false,
  pin: undefined,
};

const table: [string, SettleRoundInput["job"], PlanResult, Settlement][] = [
  [
    "accepted: complete as sent",
    job(),
    {
      kind: "sent",
      provider: "b",
      providerMessageId: "b-1",
      possibleDuplicate: true,
      skipped: [stalledB],
    },
    { kind: "sent", provider: "b", providerMessageId: "b-1", possibleDuplicate: true },
  ],
  [
    "permanent: fail with the provider's reason",
    job(),
    { kind: "failed", error: refused, possibleDuplicate: false, skipped: [] },
    {
      kind: "failed",
      error: {
        class: "permanent",
        reason: "invalid_request",
        code: "422",
        message: "bad address",
        statusCode: 422,
      },
      possibleDuplicate: false,
    },
  ],
  [
    "ambiguous under the fail policy: fail, flagged",
    job(),
    { kind: "failed", error: noAnswer, possibleDuplicate: true, skipped: [] },
    {
      kind: "failed",
      error: {
        class: "ambiguous",
        reason: "timeout",
        code: "DEADLINE",
        message: "no answer within 1000 ms",
        statusCode: undefined,
      },
      possibleDuplicate: true,
    },
  ],
  [
    "recipients refused for good: suppress them, then fail",
    job(),
    { kind: "failed", error: inactive, possibleDuplicate: false, skipped: [] },
    {
      kind: "failed",
      error: {
        class: "permanent",
        reason: "recipient_suppressed",
        code: undefined,
        message: "inactive recipient",
        statusCode: undefined,
      },
      possibleDuplicate: false,
      suppress: {
        recipients: ["gone@example.com", "left@example.com"],
        provider: "postmark",
        note: "inactive recipient",
      },
    },
  ],
  [
    "retryable with rounds left: retry after the backoff",
    job({ rounds: 1 }),
    retryOf({ lastError: unavailable, errors: [unavailable] }),
    {
      kind: "retry",
      runAt: new Date(now + 2000),
      error: {
        class: "retryable",
        reason: "provider_unavailable",
        code: undefined,
        message: "503 from a",
        statusCode: 503,
      },
      possibleDuplicate: false,
      pin: undefined,
    },
  ],
  ["retryable with Retry-After: wait at least as long", job(), slowedDown, retryAfterSlowDown],
  [
    "nobody tried (all skipped): retry as unavailable",
    job(),
    retryOf({ skipped: [stalledB] }),
    {
      kind: "retry",
      runAt: new Date(now + 1000),
      error: {
        class: "retryable",
        reason: "provider_unavailable",
        message: "no provider could take the message now",
      },
      possibleDuplicate: false,
      pin: undefined,
    },
  ],
  [
    "first ambiguous try under retryThenHold: retry pinned, flagged",
    job(),
    retryOf({ pin: "a", lastError: noAnswer, errors: [noAnswer], possibleDuplicate: true }),
    {
      kind: "retry",
      runAt: new Date(now + 1000),
      error: {
        class: "ambiguous",
        reason: "timeout",
        code: "DEADLINE",
        message: "no answer within 1000 ms",
        statusCode: undefined,
      },
      possibleDuplicate: true,
      pin: "a",
    },
  ],
  [
    "second ambiguous try at the pinned provider: hold",
    job({ rounds: 1, pinnedProvider: "a" }),
    retryOf({ pin: "a", lastError: noAnswer, errors: [noAnswer], possibleDuplicate: true }),
    {
      kind: "held",
      provider: "a",
      error: {
        class: "ambiguous",
        reason: "timeout",
        code: "DEADLINE",
        message: "held after two ambiguous tries at a: no answer within 1000 ms",
        statusCode: undefined,
      },
    },
  ],
  [
    "held even on the last round (hold before the round count)",
    job({ rounds: 2, pinnedProvider: "a" }),
    retryOf({ pin: "a", possibleDuplicate: true }),
    {
      kind: "held",
      provider: "a",
      error: {
        class: "ambiguous",
        reason: "unknown",
        code: undefined,
        message: "held after two ambiguous tries at a: no answer",
        statusCode: undefined,
      },
    },
  ],
  [
    "pinned to another provider: retry, not hold",
    job({ pinnedProvider: "b" }),
    retryOf({ pin: "a", lastError: noAnswer, errors: [noAnswer], possibleDuplicate: true }),
    {
      kind: "retry",
      runAt: new Date(now + 1000),
      error: {
        class: "ambiguous",
        reason: "timeout",
        code: "DEADLINE",
        message: "no answer within 1000 ms",
        statusCode: undefined,
      },
      possibleDuplicate: true,
      pin: "a",
    },
  ],
  [
    "last round used: fail naming every provider's reason, errors before skips",
    job({ rounds: 2 }),
    retryOf({
      lastError: slowDown,
      errors: [unavailable, slowDown],
      skipped: [{ provider: "b", reason: "rate_limited", detail: "1/s" }, stalledB],
      possibleDuplicate: true,
    }),
    {
      kind: "failed",
      error: {
        class: "retryable",
        reason: "rate_limited",
        code: undefined,
        message: "not sent after 3 rounds: a: 503 from a; b: 429 from b",
        statusCode: undefined,
      },
      possibleDuplicate: true,
    },
  ],
  [
    "last round used with only skips: fail naming the skips",
    job({ rounds: 2 }),
    retryOf({ skipped: [stalledB] }),
    {
      kind: "failed",
      error: {
        class: "retryable",
        reason: "provider_unavailable",
        message: "not sent after 3 rounds: b: skipped (stalled: 2 calls in flight)",
      },
      possibleDuplicate: false,
    },
  ],
  [
    "last round used with nothing to name: fail with the last error's message",
    job({ rounds: 2 }),
    retryOf(),
    {
      kind: "failed",
      error: {
        class: "retryable",
        reason: "provider_unavailable",
        message: "not sent after 3 rounds: no provider could take the message now",
      },
      possibleDuplicate: false,
    },
  ],
  [
    "next round would start past the deadline: fail before its deadline",
    job({ acceptedAt: new Date(now - 600_000 + 44_999) }),
    slowedDown,
    {
      kind: "failed",
      error: {
        class: "retryable",
        reason: "rate_limited",
        code: undefined,
        message: "not sent before its deadline: b: 429 from b",
        statusCode: undefined,
      },
      possibleDuplicate: false,
    },
  ],
  [
    "scheduled: the deadline counts from sendAt, not from acceptance",
    job({
      acceptedAt: new Date(now - 2 * 600_000),
      message: { sendAt: new Date(now - 600_000 + 45_000).toISOString() },
    }),
    slowedDown,
    retryAfterSlowDown,
  ],
  [
    "next round starts exactly at the deadline: retry",
    job({ acceptedAt: new Date(now - 600_000 + 45_000) }),
    slowedDown,
    retryAfterSlowDown,
  ],
];

describe("settleRound", () => {
  it.each(table)("%s", (_name, claimed, result, expected) => {
    // random() = 1 makes the backoff its full exponential delay: 1 s, then 2 s, 4 s…
    expect(settleRound({ job: claimed, result, retry, now, random: () => 1 })).toStrictEqual(
      expected,
    );
  });

  it("draws the backoff's jitter only when it retries", () => {
    let draws = 0;
    const random = () => {
      draws += 1;
      return 0;
    };
    settleRound({
      job: job(),
      result: { kind: "failed", error: refused, possibleDuplicate: false, skipped: [] },
      retry,
      now,
      random,
    });
    settleRound({
      job: job({ pinnedProvider: "a" }),
      result: retryOf({ pin: "a" }),
      retry,
      now,
      random,
    });
    expect(draws).toBe(0);
    expect(settleRound({ job: job(), result: retryOf(), retry, now, random })).toMatchObject({
      kind: "retry",
      runAt: new Date(now + 500),
    });
    expect(draws).toBe(1);
  });
});
