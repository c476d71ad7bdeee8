import { describe, expect, it } from "vitest";
import { keepSetting } from "./kept-settings";
import { useRepositoryDatabase } from "./repository-testing";
import { loadRoutes, saveRoutes } from "./routes-setting";

const database = useRepositoryDatabase(["settings"]);

const now = new Date("2026-03-01T12:00:00Z");

describe("kept settings", () => {
  it("keep the first value under a key and answer it to every later writer", async () => {
    expect(await database.write((client) => keepSetting(client, "secret", "first", now))).toBe(
      "first",
    );
    expect(await database.write((client) => keepSetting(client, "secret", "second", now))).toBe(
      "first",
    );
    expect(await database.write((client) => keepSetting(client, "other", "third", now))).toBe(
      "third",
    );
  });

  it("answer the first writer's value to an instance that raced it", async () => {
    const one = await database.begin();
    const two = await database.begin();
    expect(await keepSetting(one.client, "secret", "from-one", now)).toBe("from-one");
    const second = keepSetting(two.client, "secret", "from-two", now);
    await database.waitUntilBlocked(two.pid);
    await one.commit();
    expect(await second).toBe("from-one");
    await two.commit();
  });

  it("agree on one value among many instances starting at once", async () => {
    const kept = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        database.write((client) => keepSetting(client, "secret", `value-${index}`, now)),
      ),
    );
    expect(new Set(kept).size).toBe(1);
  });
});

describe("routes saved through the API", () => {
  it("are null until saved, then replaced on save", async () => {
    expect(await database.read((client) => loadRoutes(client))).toBeNull();
    const first = [{ name: "all", strategy: "single", provider: "capture" }];
    await database.write((client) => saveRoutes(client, first, now));
    expect(await database.read((client) => loadRoutes(client))).toEqual({
      routes: first,
      updatedAt: now.toISOString(),
    });
    const later = new Date(now.getTime() + 1000);
    await database.write((client) => saveRoutes(client, [], later));
    expect(await database.read((client) => loadRoutes(client))).toEqual({
      routes: [],
      updatedAt: later.toISOString(),
    });
  });
});
