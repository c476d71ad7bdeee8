import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** `Idempotency-Key` values per API key, with the first response, kept for 24 h. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    responseStatus: integer("response_status").notNull(),
    responseBody: text("response_body").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.scope, table.key] }),
    // Retention removes expired keys, oldest first.
    index("idempotency_keys_expires_idx").on(table.expiresAt),
  ],
);
