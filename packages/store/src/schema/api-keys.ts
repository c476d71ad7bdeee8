import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** API keys: a SHA-256 hash and a visible prefix; the key itself is shown once and never stored. */
export const apiKeys = sqliteTable("api_keys", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  prefix: text("prefix").notNull(),
  hash: text("hash").notNull().unique(),
  createdAt: integer("created_at").notNull(),
  revokedAt: integer("revoked_at"),
});
