import type { EmailMessage } from "@mailroute/core";
import { describe, expect, it } from "vitest";
import type { ContractStore, FreshStore } from "./contract-store";
import { accept, message } from "./messages";

/** Accepting messages, alone or in a batch, under idempotency keys, all or nothing. */
export function acceptContract(fresh: FreshStore): void {
  describe("accept", () => {
    it("stores the message, de-duplicated recipients, queued events and a job in one go", async () => {
      const store = await fresh();
      const value = message();
      expect(await accept(store, value)).toEqual({ kind: "accepted" });
      const detail = await store.getMessage(value.id);
      expect(detail?.status).toBe("queued");
      expect(detail?.recipients).toEqual([
        { email: "user@example.com", status: "queued" },
        { email: "cc@example.com", status: "queued" },
      ]);
      expect(detail?.events.map((event) => [event.type, event.recipient])).toEqual([
        ["queued", "user@example.com"],
        ["queued", "cc@example.com"],
      ]);
      expect(detail?.attachments).toEqual([
        { filename: "a.txt", contentType: null, contentId: null, size: 5 },
      ]);
      expect(await store.countPendingJobs()).toBe(1);
    });

    it("replays the first response for the same key and body, and refuses another body", async () => {
      const store = await fresh();
      const idempotency = {
        scope: "key_1",
        key: "k-1",
        requestHash: "h1",
        expiresAt: new Date(Date.now() + 60_000),
      };
      const first = message();
      expect(await accept(store, first, { idempotency })).toEqual({ kind: "accepted" });
      expect(await accept(store, message(), { idempotency })).toEqual({
        kind: "replay",
        response: { status: 202, body: { id: first.id, status: "queued" } },
      });
      expect(
        await accept(store, message(), { idempotency: { ...idempotency, requestHash: "h2" } }),
      ).toEqual({ kind: "key_reused" });
      expect(
        await accept(store, message(), { idempotency: { ...idempotency, scope: "key_2" } }),
      ).toEqual({ kind: "accepted" });
      expect((await store.listMessages({ limit: 10 })).data).toHaveLength(2);
    });

    it("treats an expired key as new", async () => {
      const store = await fresh();
      const idempotency = {
        scope: "s",
        key: "k",
        requestHash: "h",
        expiresAt: new Date(Date.now() - 1),
      };
      await accept(store, message(), { idempotency });
      expect(
        await accept(store, message(), { idempotency: { ...idempotency, requestHash: "other" } }),
      ).toEqual({ kind: "accepted" });
    });

    it("writes nothing when the transaction fails half-way", async () => {
      const store = await fresh();
      const value = message();
      await accept(store, value);
      // Same id again: the message insert fails, and nothing of the second accept may remain.
      await expect(accept(store, { ...value, tags: ["other"] })).rejects.toThrow();
      expect(await store.countPendingJobs()).toBe(1);
      expect((await store.listMessages({ limit: 10, tag: "other" })).data).toEqual([]);
    });
  });

  describe("accept a batch", () => {
    const idempotency = {
      scope: "key_1",
      key: "batch-1",
      requestHash: "h1",
      expiresAt: new Date(Date.now() + 60_000),
    };
    function acceptAll(
      store: ContractStore,
      values: EmailMessage[],
      extra: Partial<Parameters<ContractStore["acceptMessages"]>[0]> = {},
    ) {
      const at = new Date();
      return store.acceptMessages({
        messages: values.map((value) => ({ message: value, runAt: at })),
        acceptedAt: at,
        response: { status: 200, body: { data: values.map((value) => value.id) } },
        ...extra,
      });
    }

    it("stores every message as a single accept would, under one key and response", async () => {
      const store = await fresh();
      const values = [
        message(),
        message({ tags: ["b"] }),
        message({ sendAt: "2099-01-01T00:00:00Z" }),
      ];
      const at = new Date();
      expect(
        await store.acceptMessages({
          messages: values.map((value) => ({
            message: value,
            runAt: value.sendAt ? new Date(value.sendAt) : at,
          })),
          acceptedAt: at,
          response: { status: 200, body: { data: "first" } },
          idempotency,
        }),
      ).toEqual({ kind: "accepted" });
      const details = await Promise.all(values.map((value) => store.getMessage(value.id)));
      expect(details.map((detail) => detail?.status)).toEqual(["queued", "queued", "scheduled"]);
      expect(details[1]?.recipients).toHaveLength(2);
      expect(details[1]?.events.map((event) => event.type)).toEqual(["queued", "queued"]);
      expect((await store.listMessages({ limit: 10, tag: "b" })).data).toHaveLength(1);
      expect(await store.countPendingJobs()).toBe(3);
      // The key holds the batch's answer, for a batch or a single accept with the same key.
      expect(await acceptAll(store, [message()], { idempotency })).toEqual({
        kind: "replay",
        response: { status: 200, body: { data: "first" } },
      });
      expect(
        await accept(store, message(), { idempotency: { ...idempotency, requestHash: "h2" } }),
      ).toEqual({ kind: "key_reused" });
      expect((await store.listMessages({ limit: 10 })).data).toHaveLength(3);
    });

    it("keeps the key and the answer of a batch that holds no message", async () => {
      const store = await fresh();
      expect(await acceptAll(store, [], { idempotency })).toEqual({ kind: "accepted" });
      expect(await acceptAll(store, [message()], { idempotency })).toMatchObject({
        kind: "replay",
      });
      expect((await store.listMessages({ limit: 10 })).data).toEqual([]);
    });

    it("keeps none of the batch, nor its key, when one message fails half-way", async () => {
      const store = await fresh();
      const taken = message();
      await accept(store, taken);
      // The third message reuses a stored id: its insert fails after two messages were written.
      const batch = [message({ tags: ["batch"] }), message({ tags: ["batch"] }), taken];
      await expect(acceptAll(store, batch, { idempotency })).rejects.toThrow();
      expect((await store.listMessages({ limit: 10, tag: "batch" })).data).toEqual([]);
      expect(await store.countPendingJobs()).toBe(1);
      expect(await acceptAll(store, batch.slice(0, 2), { idempotency })).toEqual({
        kind: "accepted",
      });
      expect((await store.listMessages({ limit: 10, tag: "batch" })).data).toHaveLength(2);
    });

    it("undoes a failing batch alone when it shares a group commit with other writes", async () => {
      const store = await fresh();
      const taken = message();
      await accept(store, taken);
      const single = message({ tags: ["single"] });
      const good = [message({ tags: ["good"] }), message({ tags: ["good"] })];
      const outcomes = await Promise.allSettled([
        accept(store, single),
        acceptAll(store, [message({ tags: ["bad"] }), taken]),
        acceptAll(store, good),
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual([
        "fulfilled",
        "rejected",
        "fulfilled",
      ]);
      const count = async (tag: string) =>
        (await store.listMessages({ limit: 10, tag })).data.length;
      expect([await count("single"), await count("bad"), await count("good")]).toEqual([1, 0, 2]);
    });
  });
}
