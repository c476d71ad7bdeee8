import { describeStoreContract } from "./contract/index";
import { createSqliteStore } from "./sqlite-store";

describeStoreContract("SQLite in memory", async () => createSqliteStore({ path: ":memory:" }));
