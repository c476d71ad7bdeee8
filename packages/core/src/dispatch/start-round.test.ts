import { describe, expect, it } from "vitest";
import type { RoutePlan } from "../routing/plan-route";
import type { AmbiguousPolicy } from "../routing/route-schema";
import {
  possibleDuplicateOnClaim,
  type RoundStart,
  type StartRoundInput,
  startRound,
} from "./start-round";

const acceptedAt = new Date("2026-01-01T00:00:00.000Z");
const deadlineMs = 3_600_000;
const chosen: RoutePlan = {
  route: "default",
  plan: ["a", "b"],
  skipped: [{ provider: "c", reason: "stalled", detail: "stuck" }],
};
const providers = new Map([
  ["a", { capabilities: { idempotency: false } }],
  ["b", { capabilities: { idempotency: true } }],
  ["c", { capabilities: { idempotency: false } }],
]);

interface Case {
  pinnedProvider?: string;
  interrupted?: string[];
  /** Providers of earlier ambiguous attempts, interrupted ones aside. */
  ambiguous?: string[];
  possibleDuplicate?: boolean;
  onAmbiguous?: AmbiguousPolicy;
  noRoute?: boolean;
  /** Milliseconds after acceptance. */
  elapsedMs?: number;
  /** Milliseconds after acceptance the message was scheduled for. */
  sendAtMs?: number;
}

function inputOf(given: Case): StartRoundInput {
  return {
    job: {
      acceptedAt,
      possibleDuplicate: given.possibleDuplicate ?? false,
      pinnedProvider: given.pinnedProvider ?? null,
      interruptedAttempts: (given.interrupted ?? []).map((provider, index) => ({
        id: `att_${index}`,
        provider,
      })),
      ambiguousProviders: given.ambiguous ?? [],
      message:
        given.sendAtMs === undefined
          ? {}
          : { sendAt: new Date(acceptedAt.getTime() + given.sendAtMs).toISOString() },
    },
    chosen: given.noRoute ? null : chosen,
    providers,
    onAmbiguous: given.onAmbiguous ?? "failover",
    retry: { deadlineMs },
    now: acceptedAt.getTime() + (given.elapsedMs ?? 1000),
  };
}

const run = (plan: string[], possibleDuplicate = false): RoundStart => ({
  kind: "run",
  chosen,
  plan,
  possibleDuplicate,
});
const noRoute = {
  class: "permanent",
  reason: "unsupported",
  code: "NO_ROUTE",
  message: "no route matches this message",
} as const;
const interruptedError = {
  class: "ambiguous",
  reason: "interrupted",
  code: "INTERRUPTED",
  message: "the worker stopped during the provider call",
} as const;
const deadline = {
  class: "retryable",
  reason: "timeout",
  code: "DEADLINE",
  message: "the message's delivery deadline passed",
} as const;

const table: [string, Case, RoundStart][] = [
  ["the planned providers", {}, run(["a", "b"])],
  [
    "no route: fail, keeping the flag",
    { noRoute: true, possibleDuplicate: true },
    { kind: "failed", error: noRoute, possibleDuplicate: true },
  ],
  ["pinned: only the pinned provider", { pinnedProvider: "c" }, run(["c"])],
  ["pinned to an unconfigured provider: the plan", { pinnedProvider: "x" }, run(["a", "b"])],
  ["interrupted at an idempotent provider: ask it first", { interrupted: ["b"] }, run(["b", "a"])],
  [
    "interrupted at an idempotent provider outside the plan: ask it first",
    { pinnedProvider: "a", interrupted: ["b"] },
    run(["b", "a"]),
  ],
  [
    "interrupted at a provider that cannot dedupe: flag",
    { interrupted: ["a"] },
    run(["a", "b"], true),
  ],
  [
    "an earlier ambiguous answer from a provider that cannot dedupe: flag",
    { ambiguous: ["a"] },
    run(["a", "b"], true),
  ],
  [
    "an earlier ambiguous answer from an idempotent provider: no flag, same plan",
    { ambiguous: ["b"] },
    run(["a", "b"]),
  ],
  ["interrupted at an unconfigured provider: flag", { interrupted: ["x"] }, run(["a", "b"], true)],
  [
    "interrupted under the fail policy: fail, flagged",
    { interrupted: ["a"], onAmbiguous: "fail" },
    { kind: "failed", error: interruptedError, possibleDuplicate: true },
  ],
  [
    "interrupted at an idempotent provider under the fail policy: ask it again",
    { interrupted: ["b"], onAmbiguous: "fail" },
    run(["b", "a"]),
  ],
  [
    "past the deadline: fail, keeping the flag",
    { elapsedMs: deadlineMs + 1, interrupted: ["a"] },
    { kind: "failed", error: deadline, possibleDuplicate: true },
  ],
  ["exactly at the deadline: run", { elapsedMs: deadlineMs }, run(["a", "b"])],
  [
    "scheduled a day ahead, due now: run (the deadline counts from sendAt)",
    { sendAtMs: 24 * deadlineMs, elapsedMs: 24 * deadlineMs + 1 },
    run(["a", "b"]),
  ],
  [
    "scheduled, past the deadline counted from sendAt: fail",
    { sendAtMs: 2 * deadlineMs, elapsedMs: 3 * deadlineMs + 1 },
    { kind: "failed", error: deadline, possibleDuplicate: false },
  ],
  [
    "no route before the deadline check",
    { noRoute: true, elapsedMs: deadlineMs + 1 },
    { kind: "failed", error: noRoute, possibleDuplicate: false },
  ],
  [
    "interrupted under fail before the deadline check",
    { interrupted: ["a"], onAmbiguous: "fail", elapsedMs: deadlineMs + 1 },
    { kind: "failed", error: interruptedError, possibleDuplicate: true },
  ],
];

describe("startRound", () => {
  it.each(table)("%s", (_name, given, expected) => {
    expect(startRound(inputOf(given))).toStrictEqual(expected);
  });
});

describe("possibleDuplicateOnClaim", () => {
  const job = (given: Case) => inputOf(given).job;
  it.each([
    ["nothing earlier", {}, false],
    ["flagged before", { possibleDuplicate: true }, true],
    ["an ambiguous answer from a provider that cannot dedupe", { ambiguous: ["a"] }, true],
    ["an ambiguous answer from an idempotent provider", { ambiguous: ["b"] }, false],
    ["an interrupted attempt at a provider that cannot dedupe", { interrupted: ["a"] }, true],
    ["an interrupted attempt at an idempotent provider", { interrupted: ["b"] }, false],
    ["an attempt at a provider no longer configured", { ambiguous: ["x"] }, true],
  ] as [string, Case, boolean][])("%s", (_, given, expected) => {
    expect(possibleDuplicateOnClaim(job(given), providers)).toBe(expected);
  });
});
