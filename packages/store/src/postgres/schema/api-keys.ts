import { bigint, pgTable, text } from "drizzle-orm/pg-core";

/** API keys: a SHA-256 hash and a visible prefix; the key itself is shown once and never stored. */
export const apiKeys = pgTable("api_keys", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  prefix: text("prefix").notNull(),
  hash: text("hash").notNull().unique(),
  /** The key's scopes as a JSON array; keys made before scopes existed are admin. */
  scopes: text("scopes").notNull().default('["admin"]'),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  /** When a request last used the key, written at most once a minute per key. */
  lastUsedAt: bigint("last_used_at", { mode: "number" }),
  revokedAt: bigint("revoked_at", { mode: "number" }),
});
