import type { Suppression } from "@mailroute/core";
import { describe, expect, it } from "vitest";
import { useRepositoryDatabase } from "./repository-testing";
import {
  addSuppression,
  findSuppressions,
  listSuppressions,
  removeSuppression,
} from "./suppressions";

const database = useRepositoryDatabase(["suppressions"]);

const now = new Date("2026-03-01T12:00:00Z");

type Entry = Omit<Suppression, "createdAt"> & { at: Date };

function entry(email: string, overrides: Partial<Entry> = {}): Entry {
  return {
    email,
    reason: "hard_bounce",
    provider: "sendgrid",
    eventId: "evt_1",
    messageId: "msg_1",
    note: null,
    at: now,
    ...overrides,
  };
}

const add = (input: Entry) => database.write((client) => addSuppression(client, input));

describe("suppressions", () => {
  it("adds an address once, lowercased, and keeps the first reason", async () => {
    expect(await add(entry("Someone@Example.com"))).toBe(true);
    expect(await add(entry("someone@example.com", { reason: "manual" }))).toBe(false);
    expect(
      await database.read((client) => findSuppressions(client, ["SOMEONE@example.com"])),
    ).toEqual([
      {
        email: "someone@example.com",
        reason: "hard_bounce",
        provider: "sendgrid",
        eventId: "evt_1",
        messageId: "msg_1",
        note: null,
        createdAt: now.toISOString(),
      },
    ]);
  });

  it("finds the suppressed ones among many addresses, each once, in address order", async () => {
    await add(entry("b@example.com"));
    await add(entry("a@example.com", { reason: "complaint" }));
    const found = await database.read((client) =>
      findSuppressions(client, [
        "c@example.com",
        "B@example.com",
        "a@example.com",
        "b@example.com",
      ]),
    );
    expect(found.map((suppression) => [suppression.email, suppression.reason])).toEqual([
      ["a@example.com", "complaint"],
      ["b@example.com", "hard_bounce"],
    ]);
    expect(await database.read((client) => findSuppressions(client, []))).toEqual([]);
  });

  it("removes an address, and says when it was not listed", async () => {
    await add(entry("a@example.com"));
    expect(await database.write((client) => removeSuppression(client, "A@example.com"))).toBe(true);
    expect(await database.write((client) => removeSuppression(client, "a@example.com"))).toBe(
      false,
    );
    expect(await database.read((client) => findSuppressions(client, ["a@example.com"]))).toEqual(
      [],
    );
  });

  it("lists newest first, filters by address, and pages without skipping or repeating", async () => {
    for (let index = 0; index < 5; index += 1) {
      // Two share each time: the address breaks the tie.
      await add(entry(`s${index}@example.com`, { at: new Date(now.getTime() + (index >> 1)) }));
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await database.read((client) => listSuppressions(client, { limit: 2, cursor }));
      seen.push(...page.data.map((suppression) => suppression.email));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([
      "s4@example.com",
      "s3@example.com",
      "s2@example.com",
      "s1@example.com",
      "s0@example.com",
    ]);
    const filtered = await database.read((client) =>
      listSuppressions(client, { email: "S2@example.com", limit: 10 }),
    );
    expect(filtered.data.map((suppression) => suppression.email)).toEqual(["s2@example.com"]);
  });

  it("stops a page of long notes at the byte budget and continues after it", async () => {
    for (let index = 0; index < 30; index += 1) {
      await add(
        entry(`s${index}@example.com`, {
          note: "n".repeat(100_000),
          at: new Date(now.getTime() + index),
        }),
      );
    }
    const sizes: number[] = [];
    const emails = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await database.read((client) =>
        listSuppressions(client, { limit: 100, cursor }),
      );
      sizes.push(page.data.length);
      for (const suppression of page.data) {
        emails.add(suppression.email);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(sizes).toEqual([9, 9, 9, 3]);
    expect(emails.size).toBe(30);
  });
});
