import { describeRetentionContract } from "./retention-contract";
import { createTestStore } from "./testing";

describeRetentionContract("SQLite", async () => createTestStore());
