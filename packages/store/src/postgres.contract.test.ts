import { vi } from "vitest";
import { describeStoreContract } from "./contract/index";
import { createPostgresTestStore } from "./testing";

// Every test gets a database of its own on a real server.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

describeStoreContract("PostgreSQL", () => createPostgresTestStore());
