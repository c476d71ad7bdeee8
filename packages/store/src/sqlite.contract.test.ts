import { vi } from "vitest";
import { describeStoreContract } from "./contract/index";
import { createSqliteStore } from "./sqlite-store";

// The byte-budget cases make over a thousand writes one at a time: room for a loaded machine.
vi.setConfig({ testTimeout: 30_000 });

describeStoreContract("SQLite in memory", async () => createSqliteStore({ path: ":memory:" }));
