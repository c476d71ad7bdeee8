import { bigint, index, integer, pgTable, text } from "drizzle-orm/pg-core";

/** The dispatch queue: one job per message until it is sent or failed; leased by a worker. */
export const jobs = pgTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    messageId: text("message_id").notNull().unique(),
    runAt: bigint("run_at", { mode: "number" }).notNull(),
    leaseOwner: text("lease_owner"),
    leaseUntil: bigint("lease_until", { mode: "number" }),
    rounds: integer("rounds").notNull().default(0),
    /** The only provider the next round may try (after an ambiguous try under retryThenHold). */
    pinnedProvider: text("pinned_provider"),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
  },
  (table) => [index("jobs_due_idx").on(table.runAt)],
);
