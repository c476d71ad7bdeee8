import { describe, expect, it } from "vitest";
import type { FreshStore } from "./contract-store";
import { message } from "./messages";

/** The message log, captures and API keys. */
export function messageLogContract(fresh: FreshStore): void {
  describe("the log", () => {
    it("filters and pages without skipping or repeating", async () => {
      const store = await fresh();
      const base = Date.parse("2026-01-01T00:00:00Z");
      const ids: string[] = [];
      for (let index = 0; index < 25; index += 1) {
        const value = message(
          {
            tags: index % 2 === 0 ? ["even"] : ["odd"],
            to: [{ email: `u${index}@example.com` }],
            cc: [],
            bcc: [],
          },
          base + index * 1000,
        );
        ids.push(value.id);
        await store.acceptMessage({
          message: value,
          acceptedAt: new Date(base + index * 1000),
          runAt: new Date(),
          response: { status: 202, body: {} },
        });
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listMessages({ limit: 7, cursor });
        seen.push(...page.data.map((item) => item.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());
      expect((await store.listMessages({ limit: 50, tag: "even" })).data).toHaveLength(13);
      expect(
        (await store.listMessages({ limit: 50, to: "U3@example.com" })).data.map((item) => item.id),
      ).toEqual([ids[3]]);
      expect((await store.listMessages({ limit: 50, from: "sender@acme.test" })).data).toHaveLength(
        25,
      );
      const window = await store.listMessages({
        limit: 50,
        since: new Date(base + 5000),
        until: new Date(base + 8000),
      });
      expect(window.data.map((item) => item.id)).toEqual([ids[7], ids[6], ids[5]]);
      expect((await store.listMessages({ limit: 50, ids: [ids[1]!, ids[2]!] })).data).toHaveLength(
        2,
      );
      expect((await store.listMessages({ limit: 50, status: ["sent"] })).data).toHaveLength(0);
      await expect(store.listMessages({ limit: 5, cursor: "garbage" })).rejects.toThrow(/cursor/);
    });
  });

  describe("captures and keys", () => {
    it("keeps one capture per message and counts repeated requests", async () => {
      const store = await fresh();
      const value = message();
      const first = await store.saveCapture({
        messageId: value.id,
        provider: "capture",
        message: value,
        at: new Date(),
      });
      const second = await store.saveCapture({
        messageId: value.id,
        provider: "capture",
        message: value,
        at: new Date(),
      });
      expect(first.replayed).toBe(false);
      expect(second).toEqual({ id: first.id, replayed: true });
      const page = await store.listCaptures({ limit: 10 });
      expect(page.data).toHaveLength(1);
      expect(page.data[0]).toMatchObject({ messageId: value.id, requests: 2 });
    });

    it("finds keys by hash only", async () => {
      const store = await fresh();
      await store.insertApiKey({
        id: "key_1",
        name: "n",
        prefix: "mr_abc",
        hash: "h".repeat(64),
        scopes: ["send"],
        createdAt: new Date(),
        lastUsedAt: null,
      });
      expect(await store.countApiKeys()).toBe(1);
      expect(await store.findApiKeyByHash("h".repeat(64))).toMatchObject({
        id: "key_1",
        scopes: ["send"],
      });
      expect(await store.findApiKeyByHash("x".repeat(64))).toBeNull();
    });

    it("lists active keys newest first, records their last use and revokes them", async () => {
      const store = await fresh();
      for (const [index, id] of ["key_a", "key_b", "key_c"].entries()) {
        await store.insertApiKey({
          id,
          name: id,
          prefix: `mr_${index}`,
          hash: String(index).repeat(64),
          scopes: ["read"],
          createdAt: new Date(1_000 + index),
          lastUsedAt: null,
        });
      }
      const first = await store.listApiKeys({ limit: 2 });
      expect(first.data.map((key) => key.id)).toEqual(["key_c", "key_b"]);
      const second = await store.listApiKeys({ limit: 2, cursor: first.nextCursor ?? "" });
      expect(second).toEqual({
        data: [expect.objectContaining({ id: "key_a" })],
        nextCursor: null,
      });
      await store.touchApiKeys([{ id: "key_a", at: new Date(5_000) }]);
      // An older time never moves it back.
      await store.touchApiKeys([{ id: "key_a", at: new Date(4_000) }]);
      expect((await store.findApiKeyByHash("0".repeat(64)))?.lastUsedAt).toEqual(new Date(5_000));
      expect(await store.revokeApiKey("key_a", new Date())).toBe(true);
      expect(await store.revokeApiKey("key_a", new Date())).toBe(false);
      expect(await store.findApiKeyByHash("0".repeat(64))).toBeNull();
      expect((await store.listApiKeys({ limit: 10 })).data.map((key) => key.id)).toEqual([
        "key_c",
        "key_b",
      ]);
    });
  });
}
