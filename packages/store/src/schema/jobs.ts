import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** The dispatch queue: one job per message until it is sent or failed; leased by a worker. */
export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    messageId: text("message_id").notNull().unique(),
    runAt: integer("run_at").notNull(),
    leaseOwner: text("lease_owner"),
    leaseUntil: integer("lease_until"),
    rounds: integer("rounds").notNull().default(0),
    /** The only provider the next round may try (after an ambiguous try under retryThenHold). */
    pinnedProvider: text("pinned_provider"),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [index("jobs_due_idx").on(table.runAt)],
);
