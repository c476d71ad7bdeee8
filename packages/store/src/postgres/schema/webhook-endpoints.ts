import { bigint, boolean, pgTable, text } from "drizzle-orm/pg-core";

/** The application's own webhook endpoints, each with its signing secret. */
export const webhookEndpoints = pgTable("webhook_endpoints", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  description: text("description"),
  /** JSON array of event types, or null for every type. */
  eventTypes: text("event_types"),
  enabled: boolean("enabled").notNull(),
  disabledReason: text("disabled_reason"),
  /** When the current run of failed deliveries began; null after a success. */
  failingSince: bigint("failing_since", { mode: "number" }),
  secret: text("secret").notNull(),
  /** The secret before the last rotation, still signing until `previousSecretExpiresAt`. */
  previousSecret: text("previous_secret"),
  previousSecretExpiresAt: bigint("previous_secret_expires_at", { mode: "number" }),
  /** Only events after this one (in feed order) go to this endpoint. */
  startSeq: bigint("start_seq", { mode: "number" }).notNull(),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
});
