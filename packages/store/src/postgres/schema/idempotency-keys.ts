import { bigint, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";

/** `Idempotency-Key` values per API key, with the first response, kept for 24 h. */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    responseStatus: integer("response_status").notNull(),
    responseBody: text("response_body").notNull(),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    expiresAt: bigint("expires_at", { mode: "number" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.scope, table.key] })],
);
