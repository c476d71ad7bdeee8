import { ConfigError, type EmailMessage, ProviderError } from "@mailroute/core";
import { fullMessage } from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import { type CaptureMailbox, createCaptureProvider } from "./capture-provider";

function memoryMailbox() {
  const saved = new Map<string, { id: string; requests: number; message: EmailMessage }>();
  const mailbox: CaptureMailbox = {
    async saveCapture(input) {
      const existing = saved.get(input.messageId);
      if (existing) {
        existing.requests += 1;
        return { id: existing.id, replayed: true };
      }
      const id = `cap_${saved.size + 1}`;
      saved.set(input.messageId, { id, requests: 1, message: input.message });
      return { id, replayed: false };
    },
  };
  return { mailbox, saved };
}

const options = (key = "msg_1") => ({ signal: AbortSignal.timeout(1000), idempotencyKey: key });

describe("capture provider", () => {
  it("keeps the whole message and answers with the capture id", async () => {
    const { mailbox, saved } = memoryMailbox();
    const provider = createCaptureProvider({ name: "capture" }, { mailbox });
    const message = fullMessage("msg_1");
    expect(await provider.send(message, options())).toEqual({
      providerMessageId: "cap_1",
      replayed: false,
    });
    expect(saved.get("msg_1")?.message).toEqual(message);
  });

  it("dedupes by idempotency key, like an idempotent provider API", async () => {
    const { mailbox, saved } = memoryMailbox();
    const provider = createCaptureProvider({ name: "capture" }, { mailbox });
    await provider.send(fullMessage("msg_1"), options());
    expect(await provider.send(fullMessage("msg_1"), options())).toEqual({
      providerMessageId: "cap_1",
      replayed: true,
    });
    expect(saved.size).toBe(1);
    expect(saved.get("msg_1")?.requests).toBe(2);
  });

  it("fails as configured, only for the chosen recipients, without keeping the message", async () => {
    const { mailbox, saved } = memoryMailbox();
    const provider = createCaptureProvider(
      {
        name: "flaky",
        failure: {
          outcome: "retryable",
          recipients: ["@example.net"],
          code: "503",
          message: "down",
        },
      },
      { mailbox },
    );
    const error = await provider.send(fullMessage(), options()).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      outcome: "retryable",
      providerCode: "503",
      message: "down",
      provider: "flaky",
    });
    expect(saved.size).toBe(0);
    const other = { ...fullMessage("msg_2"), to: [{ email: "a@elsewhere.org" }], cc: [], bcc: [] };
    await expect(provider.send(other, options("msg_2"))).resolves.toMatchObject({
      replayed: false,
    });
  });

  it("keeps the message and then fails when told to be ambiguous", async () => {
    const { mailbox, saved } = memoryMailbox();
    const provider = createCaptureProvider(
      { name: "c", failure: { outcome: "ambiguous" } },
      { mailbox },
    );
    await expect(provider.send(fullMessage(), options())).rejects.toMatchObject({
      outcome: "ambiguous",
    });
    expect(saved.size).toBe(1);
  });

  it("fails at the given rate", async () => {
    const { mailbox } = memoryMailbox();
    const draws = [0.1, 0.9];
    const provider = createCaptureProvider(
      { name: "c", failure: { outcome: "permanent", rate: 0.5 } },
      { mailbox, random: () => draws.shift() ?? 0 },
    );
    await expect(provider.send(fullMessage("msg_a"), options("msg_a"))).rejects.toMatchObject({
      outcome: "permanent",
    });
    await expect(provider.send(fullMessage("msg_b"), options("msg_b"))).resolves.toBeTruthy();
  });

  it("gives up at the deadline while waiting out its latency", async () => {
    const { mailbox } = memoryMailbox();
    const provider = createCaptureProvider({ name: "c", latencyMs: 5000 }, { mailbox });
    await expect(
      provider.send(fullMessage(), { signal: AbortSignal.timeout(20), idempotencyKey: "msg_1" }),
    ).rejects.toMatchObject({ outcome: "ambiguous", reason: "timeout" });
  });

  it("refuses invalid settings with a ConfigError naming the provider", () => {
    const { mailbox } = memoryMailbox();
    expect(() => createCaptureProvider({ name: "c", latencyMs: -1 }, { mailbox })).toThrow(
      ConfigError,
    );
    expect(() => createCaptureProvider({ name: "c", latencyMs: -1 }, { mailbox })).toThrow(/"c"/);
  });
});
