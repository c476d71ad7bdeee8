import { Writable } from "node:stream";
import type { MailStore } from "@mailroute/core";
import { createFakeProvider } from "@mailroute/core/testing";
import { createCaptureProvider } from "@mailroute/provider-capture";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, openServerTestStore, validBody } from "../test-support";

const apps: Awaited<ReturnType<typeof createTestApp>>[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    await app.close();
  }
});

async function setup(options: Parameters<typeof createTestApp>[0]) {
  const app = await createTestApp(options);
  apps.push(app);
  return app;
}

async function sendAndDrain(
  app: Awaited<ReturnType<typeof createTestApp>>,
  body: unknown = validBody,
) {
  const { id } = (await (await app.send(body)).json()) as { id: string };
  await app.dispatcher.drain();
  return (await app.store.getMessage(id))!;
}

/** A worker that claimed the message's job, recorded an attempt at `provider`, and died. */
async function dieMidCall(store: MailStore, id: string, provider: string) {
  const [job] = await store.claimJobs({ owner: "dead", limit: 1, leaseMs: 1, now: new Date() });
  const attemptId = await store.startAttempt({
    messageId: id,
    jobId: job!.jobId,
    owner: "dead",
    provider,
    startedAt: new Date(),
    leaseUntil: new Date(Date.now() - 1),
  });
  return { message: job!.message, attemptId };
}

describe("dispatcher", () => {
  it("sends through the first provider and records the attempt with the provider's id", async () => {
    const primary = createFakeProvider("primary");
    const app = await setup({ providers: [primary, createFakeProvider("backup")] });
    const message = await sendAndDrain(app);
    expect(message.status).toBe("sent");
    expect(message.provider).toBe("primary");
    expect(message.attempts).toMatchObject([
      { provider: "primary", outcome: "accepted", providerMessageId: "primary-1" },
    ]);
    expect(message.routing).toEqual({ route: "default", plan: ["primary", "backup"], skipped: [] });
    expect(primary.calls[0]?.options.idempotencyKey).toBe(message.id);
    expect(await app.store.countPendingJobs()).toBe(0);
  });

  it("fails over on a retryable error, sending exactly once", async () => {
    const primary = createFakeProvider("primary");
    const backup = createFakeProvider("backup");
    primary.script({
      outcome: "retryable",
      reason: "provider_unavailable",
      message: "503 Service Unavailable",
      statusCode: 503,
    });
    const app = await setup({ providers: [primary, backup] });
    const message = await sendAndDrain(app);
    expect(message).toMatchObject({ status: "sent", provider: "backup", possibleDuplicate: false });
    expect(message.attempts.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([
      ["primary", "retryable"],
      ["backup", "accepted"],
    ]);
    expect(message.attempts[0]?.error).toMatchObject({
      class: "retryable",
      message: "503 Service Unavailable",
      statusCode: 503,
    });
    expect(backup.calls).toHaveLength(1);
  });

  it("fails the message with the provider's reason on a permanent error, without failover", async () => {
    const primary = createFakeProvider("primary");
    const backup = createFakeProvider("backup");
    primary.script({
      outcome: "permanent",
      reason: "invalid_request",
      message: "The to address is invalid",
      providerCode: "300",
    });
    const app = await setup({ providers: [primary, backup] });
    const message = await sendAndDrain(app);
    expect(message.status).toBe("failed");
    expect(message.error).toMatchObject({
      class: "permanent",
      message: "The to address is invalid",
      code: "300",
    });
    expect(message.recipients.every((recipient) => recipient.status === "failed")).toBe(true);
    expect(message.events.map((event) => event.type)).toEqual(["queued", "failed"]);
    expect(backup.calls).toHaveLength(0);
  });

  it("flags a possible duplicate after an ambiguous failure", async () => {
    const primary = createFakeProvider("primary");
    primary.script({ outcome: "ambiguous", reason: "timeout", message: "no answer" });
    const app = await setup({ providers: [primary, createFakeProvider("backup")] });
    const message = await sendAndDrain(app);
    expect(message).toMatchObject({ status: "sent", provider: "backup", possibleDuplicate: true });
  });

  it("keeps the message queued for a later round when no provider takes it, then fails it after the last round", async () => {
    const primary = createFakeProvider("primary");
    primary.fallback = {
      outcome: "retryable",
      reason: "network",
      message: "connection refused",
      providerCode: "ECONNREFUSED",
    };
    const app = await setup({ providers: [primary] });
    const { id } = (await (await app.send(validBody)).json()) as { id: string };
    await app.dispatcher.drain();
    expect(await app.store.getMessage(id)).toMatchObject({
      status: "queued",
      error: { code: "ECONNREFUSED" },
    });
    await app.dispatcher.drain();
    await app.dispatcher.drain();
    const message = (await app.store.getMessage(id))!;
    expect(message.status).toBe("failed");
    expect(message.error?.message).toBe("not sent after 3 rounds: primary: connection refused");
    expect(message.attempts).toHaveLength(3);
  });

  it("fails after the last round naming every provider's reason", async () => {
    const primary = createFakeProvider("primary");
    const backup = createFakeProvider("backup");
    primary.fallback = {
      outcome: "retryable",
      reason: "provider_unavailable",
      message: "503 maintenance",
    };
    backup.fallback = { outcome: "retryable", reason: "network", message: "connect ECONNREFUSED" };
    const app = await setup({ providers: [primary, backup] });
    const { id } = (await (await app.send(validBody)).json()) as { id: string };
    for (let round = 0; round < 3; round += 1) {
      await app.dispatcher.drain();
    }
    const message = (await app.store.getMessage(id))!;
    expect(message.status).toBe("failed");
    expect(message.error?.message).toBe(
      "not sent after 3 rounds: primary: 503 maintenance; backup: connect ECONNREFUSED",
    );
    expect(message.attempts).toHaveLength(6);
  });

  it("waits as long as Retry-After asks before the next round", async () => {
    const primary = createFakeProvider("primary");
    primary.script({
      outcome: "retryable",
      reason: "rate_limited",
      message: "429",
      retryAfterMs: 60_000,
    });
    const app = await setup({ providers: [primary] });
    const { id } = (await (await app.send(validBody)).json()) as { id: string };
    await app.dispatcher.drain();
    expect(await app.dispatcher.drain()).toBe(0);
    expect((await app.store.getMessage(id))?.status).toBe("queued");
  });

  it("leaves a message another worker took over while its provider call hung as that worker left it", async () => {
    const primary = createFakeProvider("primary");
    primary.script("hold");
    const { logger, lines } = capturedLogger();
    const app = await setup({
      providers: [primary],
      settings: { attemptTimeoutMs: 60_000 },
      logger,
    });
    const { id } = (await (await app.send(validBody)).json()) as { id: string };
    const round = app.dispatcher.drain();
    await primary.waitForCalls(1);
    // The call outlives this worker's lease: another instance claims the job and sends it.
    const [taken] = await app.store.claimJobs({
      owner: "other-instance",
      limit: 1,
      leaseMs: 60_000,
      now: new Date(Date.now() + 24 * 3600_000),
    });
    expect(taken?.message.id).toBe(id);
    await app.store.completeMessage({
      jobId: taken!.jobId,
      owner: "other-instance",
      messageId: id,
      status: "sent",
      provider: "primary",
      providerType: "capture",
      providerMessageId: "other-1",
      possibleDuplicate: true,
      at: new Date(),
    });
    const left = (await app.store.getMessage(id))!;
    // The hung call then fails retryably: this worker would put the message back in the queue.
    primary.release({ outcome: "retryable", reason: "network", message: "connection reset" });
    expect(await round).toBe(1);
    const after = (await app.store.getMessage(id))!;
    expect(after).toMatchObject({
      status: "sent",
      provider: "primary",
      providerMessageId: "other-1",
      possibleDuplicate: true,
    });
    expect(after.recipients).toEqual(left.recipients);
    expect(after.events).toEqual(left.events);
    expect(await app.store.countPendingJobs()).toBe(0);
    expect(primary.calls).toHaveLength(1);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 40,
        messageId: id,
        jobId: taken!.jobId,
        msg: "lease lost; another worker has the message",
      }),
    );
    expect(logged.filter((line) => (line.level as number) >= 50)).toEqual([]);
  });

  it("sends new messages to the backup while the primary is stalled, and to the primary again once it answers", async () => {
    let now = 0;
    const primary = createFakeProvider("primary");
    primary.fallback = "hold";
    const backup = createFakeProvider("backup");
    const app = await setup({
      providers: [primary, backup],
      settings: { concurrency: 2, attemptTimeoutMs: 60_000 },
      breaker: { slowCallMs: 500 },
      clock: () => now,
    });
    const ids: string[] = [];
    for (let index = 0; index < 2; index += 1) {
      ids.push(((await (await app.send(validBody)).json()) as { id: string }).id);
    }
    const stuckRound = app.dispatcher.drain();
    await primary.waitForCalls(2);
    // Both slots are held by calls within the slow-call threshold: nothing else is claimed.
    const { id: third } = (await (await app.send(validBody)).json()) as { id: string };
    expect(await app.dispatcher.drain()).toBe(0);
    now = 501;
    const providers = (await (await app.get("/v1/providers")).json()) as {
      data: { name: string; breaker: string; stalled: unknown; inFlight: number }[];
    };
    expect(providers.data[0]).toMatchObject({
      name: "primary",
      breaker: "closed",
      stalled: {
        detail: "2 calls in flight, the oldest for 501 ms (slow-call threshold 500 ms)",
        since: new Date(501).toISOString(),
      },
      inFlight: 2,
    });
    // The stuck calls no longer hold a slot, and the stalled primary is skipped.
    expect(await app.dispatcher.drain()).toBe(1);
    expect(await app.store.getMessage(third)).toMatchObject({
      status: "sent",
      provider: "backup",
      possibleDuplicate: false,
      attempts: [{ provider: "backup", outcome: "accepted" }],
      routing: {
        plan: ["backup"],
        skipped: [{ provider: "primary", reason: "stalled" }],
      },
    });
    expect(primary.calls).toHaveLength(2);
    primary.fallback = "accept";
    primary.release();
    expect(await stuckRound).toBe(2);
    for (const id of ids) {
      expect(await app.store.getMessage(id)).toMatchObject({ status: "sent", provider: "primary" });
    }
    const after = await sendAndDrain(app);
    expect(after).toMatchObject({ status: "sent", provider: "primary" });
    expect(after.routing?.skipped).toEqual([]);
  });

  it("skips a provider that cannot carry the message and says why", async () => {
    const small = createFakeProvider("small", { attachments: false });
    const app = await setup({ providers: [small, createFakeProvider("big")] });
    const message = await sendAndDrain(app, {
      ...validBody,
      attachments: [{ filename: "a.txt", content: "aGVsbG8=" }],
    });
    expect(message.provider).toBe("big");
    expect(message.routing?.skipped).toEqual([
      { provider: "small", reason: "capability", detail: "attachments are not supported" },
    ]);
    expect(small.calls).toHaveLength(0);
  });

  it("routes by tag to the route's providers", async () => {
    const app = await setup({
      providers: [createFakeProvider("bulk"), createFakeProvider("critical")],
      routes: [
        { name: "security", match: { tags: ["security"] }, providers: ["critical"] },
        { name: "default", providers: ["bulk"] },
      ],
    });
    expect((await sendAndDrain(app, { ...validBody, tags: ["security"] })).provider).toBe(
      "critical",
    );
    expect((await sendAndDrain(app)).provider).toBe("bulk");
  });

  it("does not dispatch a scheduled message before its sendAt", async () => {
    const primary = createFakeProvider("primary");
    const app = await setup({ providers: [primary] });
    const sendAt = new Date(Date.now() + 3_600_000).toISOString();
    const { id } = (await (await app.send({ ...validBody, sendAt })).json()) as { id: string };
    await app.dispatcher.drain();
    expect(primary.calls).toHaveLength(0);
    expect(await app.store.getMessage(id)).toMatchObject({ status: "scheduled", sendAt });
  });

  it("asks an idempotent provider again after a crash mid-call, without flagging a duplicate", async () => {
    const store = await openServerTestStore();
    const capture = createCaptureProvider({ name: "capture" }, { mailbox: store });
    const app = await setup({ providers: [capture], store });
    const { id } = (await (await app.send(validBody)).json()) as { id: string };
    // A worker that claimed the job, started the attempt and the provider call, then died.
    const { message } = await dieMidCall(store, id, "capture");
    await capture.send(message, { signal: AbortSignal.timeout(1000), idempotencyKey: id });
    await app.dispatcher.drain();
    const detail = (await store.getMessage(id))!;
    expect(detail).toMatchObject({ status: "sent", possibleDuplicate: false });
    expect(detail.attempts.map((attempt) => attempt.outcome)).toEqual(["ambiguous", "accepted"]);
    const captures = await store.listCaptures({ messageId: id, limit: 10 });
    expect(captures.data).toHaveLength(1);
    expect(captures.data[0]?.requests).toBe(2);
  });

  it("completes a message whose acceptance was recorded just before a crash, without sending it again", async () => {
    const primary = createFakeProvider("primary");
    const app = await setup({ providers: [primary] });
    const { id } = (await (await app.send(validBody)).json()) as { id: string };
    const { attemptId: attempt } = await dieMidCall(app.store, id, "primary");
    await app.store.finishAttempt(attempt, {
      outcome: "accepted",
      durationMs: 3,
      providerMessageId: "pm-1",
    });
    await app.dispatcher.drain();
    expect(primary.calls).toHaveLength(0);
    expect(await app.store.getMessage(id)).toMatchObject({
      status: "sent",
      provider: "primary",
      providerMessageId: "pm-1",
      possibleDuplicate: false,
    });
    expect(await app.store.countPendingJobs()).toBe(0);
  });

  it("flags the message after a crash mid-call to a provider that cannot dedupe", async () => {
    const primary = createFakeProvider("primary");
    const app = await setup({ providers: [primary] });
    const { id } = (await (await app.send(validBody)).json()) as { id: string };
    await dieMidCall(app.store, id, "primary");
    await app.dispatcher.drain();
    expect(await app.store.getMessage(id)).toMatchObject({
      status: "sent",
      possibleDuplicate: true,
    });
  });

  it("fails a message interrupted mid-call when the policy is fail", async () => {
    const primary = createFakeProvider("primary");
    const app = await setup({ providers: [primary], settings: { onAmbiguous: "fail" } });
    const { id } = (await (await app.send(validBody)).json()) as { id: string };
    await dieMidCall(app.store, id, "primary");
    await app.dispatcher.drain();
    expect(await app.store.getMessage(id)).toMatchObject({
      status: "failed",
      possibleDuplicate: true,
      error: { reason: "interrupted" },
    });
    expect(primary.calls).toHaveLength(0);
  });
});

/** A pino logger whose every line lands in `lines`. */
function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}
