import { freePort } from "@mailroute/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { waitUntil } from "./support/api-client";
import { type FaultPair, faults, messageBody, startFaultPair } from "./support/fault-harness";

const pairs: FaultPair[] = [];
afterEach(async () => {
  for (const pair of pairs.splice(0)) {
    await pair.close();
  }
});

async function pair(options: Parameters<typeof startFaultPair>[0] = {}) {
  const started = await startFaultPair(options);
  pairs.push(started);
  return started;
}

function print(name: string, figures: object) {
  console.log(
    `scenario=${name} ${Object.entries(figures)
      .map(([key, value]) => `${key}=${value}`)
      .join(" ")}`,
  );
}

describe("failover under provider faults (SendGrid primary, Postmark secondary)", () => {
  const count = 5;

  const failsOver: [string, keyof typeof faults, boolean][] = [
    ["503", "status503", false],
    ["429 with Retry-After", "status429", false],
    ["500", "status500", true],
    ["a hang past the deadline", "hang", true],
  ];
  for (const [name, fault, flagged] of failsOver) {
    it(`fails over when the primary answers ${name}${flagged ? ", flagging each message" : ", without flags"}`, async () => {
      const test = await pair();
      test.primary.fault(faults[fault] ?? null);
      const outcomes = await test.sendAll(count);
      const figures = test.figures(outcomes);
      print(fault, figures);
      expect(figures).toMatchObject({
        acknowledged: count,
        sent: count,
        lost: 0,
        duplicates: 0,
        flagged: flagged ? count : 0,
      });
      expect(outcomes.every((outcome) => outcome.provider === "secondary")).toBe(true);
      expect(test.primary.ledger()).toHaveLength(0);
      expect(test.secondary.ledger()).toHaveLength(count);
    });
  }

  it("fails over when the primary refuses connections", async () => {
    const test = await pair({ primaryUrl: `http://127.0.0.1:${await freePort()}` });
    const outcomes = await test.sendAll(count);
    const figures = test.figures(outcomes);
    print("refused", figures);
    expect(figures).toMatchObject({ sent: count, lost: 0, duplicates: 0, flagged: 0 });
    expect(outcomes[0]?.attempts).toMatchObject([
      { provider: "primary", outcome: "retryable" },
      { provider: "secondary", outcome: "accepted" },
    ]);
  });

  it("counts a duplicate for every accept-then-reset, and flags each one", async () => {
    const test = await pair();
    test.primary.fault(faults.acceptThenReset ?? null);
    const outcomes = await test.sendAll(count);
    const figures = test.figures(outcomes);
    const injected = test.primary.faultCounts().acceptThenReset ?? 0;
    print("acceptThenReset", { ...figures, ambiguous_injected: injected });
    expect(figures).toMatchObject({ sent: count, lost: 0 });
    expect(figures.duplicates).toBeLessThanOrEqual(injected);
    expect(figures.duplicates).toBe(count);
    expect(figures.flagged).toBe(count);
  });

  it("stays on a slow primary that answers within the deadline", async () => {
    const test = await pair();
    test.primary.fault(faults.slow ?? null);
    const outcomes = await test.sendAll(count);
    print("slow", test.figures(outcomes));
    expect(
      outcomes.every((outcome) => outcome.provider === "primary" && outcome.attempts.length === 1),
    ).toBe(true);
  });

  it("fails over on 401 and marks the primary misconfigured, so later messages skip it", async () => {
    const test = await pair();
    test.primary.fault(faults.status401 ?? null);
    // One at a time, so each dispatch starts after the previous answer.
    const outcomes = [];
    for (let index = 0; index < count; index += 1) {
      outcomes.push(...(await test.sendAll(1)));
    }
    print("401", test.figures(outcomes));
    expect(
      outcomes.every((outcome) => outcome.provider === "secondary" && !outcome.possibleDuplicate),
    ).toBe(true);
    expect(test.primary.requestCount()).toBe(1);
    const providers = await test.mailroute.get<{
      data: { name: string; breaker: string; misconfigured: unknown }[];
    }>("/v1/providers");
    expect(providers.data[0]).toMatchObject({
      name: "primary",
      breaker: "open",
      misconfigured: { reason: expect.any(String) },
    });
    expect(outcomes.at(-1)?.routing?.skipped).toMatchObject([
      { provider: "primary", reason: "misconfigured" },
    ]);
  });

  it("does not fail over on 400: the message fails with the provider's reason", async () => {
    const test = await pair();
    test.primary.fault(faults.status400 ?? null);
    const outcomes = await test.sendAll(count);
    const figures = test.figures(outcomes);
    print("400", figures);
    expect(figures).toMatchObject({ failed: count, lost: 0, duplicates: 0 });
    expect(test.secondary.requestCount()).toBe(0);
    expect(outcomes[0]?.error).toMatchObject({ class: "permanent" });
    expect(outcomes[0]?.error?.message.length).toBeGreaterThan(0);
  });

  it("does not fail over for an inactive recipient: the message fails and the address is suppressed", async () => {
    const test = await pair({ secondaryFirst: true, inactiveRecipients: ["user@example.com"] });
    const outcomes = await test.sendAll(1);
    print("inactive", test.figures(outcomes));
    expect(outcomes[0]).toMatchObject({
      status: "failed",
      error: { class: "permanent", reason: "recipient_suppressed" },
    });
    expect(test.primary.requestCount()).toBe(0);
    const suppressions = await test.mailroute.get<{ data: { email: string; reason: string }[] }>(
      "/v1/suppressions",
    );
    expect(suppressions.data).toMatchObject([
      { email: "user@example.com", reason: "provider_rejected" },
    ]);
    const again = await test.sendAll(1);
    expect(again[0]).toMatchObject({ status: "rejected", attempts: [] });
    expect(test.primary.requestCount() + test.secondary.requestCount()).toBe(1);
  });

  it("keeps messages queued while every provider is down, and sends them when one recovers", async () => {
    const test = await pair();
    test.primary.fault(faults.status503 ?? null);
    test.secondary.fault({ kind: "status", status: 503 });
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) {
      ids.push((await test.mailroute.send(messageBody)).id);
    }
    const retried = await waitUntil(
      async () => test.secondary.requestCount() >= count * 2,
      10_000,
      50,
    );
    expect(retried).toBe(true);
    const queued = await Promise.all(
      ids.map((id) => test.mailroute.get<{ status: string }>(`/v1/messages/${id}`)),
    );
    expect(
      queued.every((message) => message.status === "queued" || message.status === "sending"),
    ).toBe(true);
    test.secondary.fault(null);
    const outcomes = await test.sendAll(0);
    expect(outcomes).toEqual([]);
    const sent = await waitUntil(
      async () => {
        const all = await Promise.all(
          ids.map((id) => test.mailroute.get<{ status: string }>(`/v1/messages/${id}`)),
        );
        return all.every((message) => message.status === "sent");
      },
      15_000,
      50,
    );
    expect(sent).toBe(true);
    expect(test.secondary.ledger()).toHaveLength(count);
    expect(test.primary.ledger()).toHaveLength(0);
  });

  it("opens the breaker of a flapping provider, probes it half-open, and closes it when it recovers", async () => {
    const test = await pair({
      breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 300 },
    });
    test.primary.fault(faults.status503 ?? null);
    const failing = [];
    for (let index = 0; index < 6; index += 1) {
      failing.push(...(await test.sendAll(1)));
    }
    const states = await test.mailroute.get<{ data: { name: string; breaker: string }[] }>(
      "/v1/providers",
    );
    expect(states.data[0]?.breaker).toBe("open");
    expect(
      failing.some((outcome) =>
        outcome.routing?.skipped.some((skip) => skip.reason === "breaker_open"),
      ),
    ).toBe(true);
    const requestsWhileOpen = test.primary.requestCount();
    expect(requestsWhileOpen).toBeLessThan(6);
    test.primary.fault(null);
    const closed = await waitUntil(
      async () => {
        await test.sendAll(1);
        const now = await test.mailroute.get<{ data: { name: string; breaker: string }[] }>(
          "/v1/providers",
        );
        return now.data[0]?.breaker === "closed";
      },
      10_000,
      100,
    );
    expect(closed).toBe(true);
    const history = await test.mailroute.get<{
      data: { transitions: { from: string; to: string }[] }[];
    }>("/v1/providers");
    expect(
      history.data[0]?.transitions.map((transition) => `${transition.from}->${transition.to}`),
    ).toEqual(expect.arrayContaining(["closed->open", "open->halfOpen", "halfOpen->closed"]));
    const after = await test.sendAll(2);
    expect(after.every((outcome) => outcome.provider === "primary")).toBe(true);
    print("flapping", test.figures([...failing, ...after]));
  });
});
