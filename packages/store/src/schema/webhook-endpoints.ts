import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** The application's own webhook endpoints, each with its signing secret. */
export const webhookEndpoints = sqliteTable("webhook_endpoints", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  description: text("description"),
  /** JSON array of event types, or null for every type. */
  eventTypes: text("event_types"),
  enabled: integer("enabled", { mode: "boolean" }).notNull(),
  disabledReason: text("disabled_reason"),
  /** When the current run of failed deliveries began; null after a success. */
  failingSince: integer("failing_since"),
  secret: text("secret").notNull(),
  /** The secret before the last rotation, still signing until `previousSecretExpiresAt`. */
  previousSecret: text("previous_secret"),
  previousSecretExpiresAt: integer("previous_secret_expires_at"),
  /** Only events after this one (in feed order) go to this endpoint. */
  startSeq: integer("start_seq").notNull(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
