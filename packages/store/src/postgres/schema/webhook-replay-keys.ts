import { bigint, index, pgTable, primaryKey, text } from "drizzle-orm/pg-core";

/**
 * The single-use values of verified provider webhooks (a Mailgun token, a Svix id and
 * timestamp), kept while their timestamp is inside the tolerance, so a captured request cannot
 * be posted again, not even after a restart or to another process on this database.
 */
export const webhookReplayKeys = pgTable(
  "webhook_replay_keys",
  {
    /** The configured provider name. */
    provider: text("provider").notNull(),
    key: text("key").notNull(),
    /** SHA-256 of the body the key came with; null when no second use is let through. */
    bodyDigest: text("body_digest"),
    expiresAt: bigint("expires_at", { mode: "number" }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.provider, table.key] }),
    index("webhook_replay_keys_expires_idx").on(table.expiresAt),
  ],
);
