import { messageStatuses } from "@mailroute/core";
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One row per accepted message; `payload` is the normalized message as JSON. */
export const messages = sqliteTable(
  "messages",
  {
    id: text("id").primaryKey(),
    status: text("status", { enum: messageStatuses }).notNull(),
    fromEmail: text("from_email").notNull(),
    subject: text("subject").notNull(),
    /** The fields the log shows (from, to, tags, metadata) as JSON, so listing never parses `payload`. */
    envelope: text("envelope").notNull(),
    payload: text("payload").notNull(),
    provider: text("provider"),
    providerMessageId: text("provider_message_id"),
    possibleDuplicate: integer("possible_duplicate", { mode: "boolean" }).notNull().default(false),
    routing: text("routing"),
    error: text("error"),
    sendAt: integer("send_at"),
    /** The API key that accepted the message (`admin` for the environment's key). */
    apiKeyId: text("api_key_id"),
    /** When retention purged the bodies and attachment contents from `payload`; null while kept. */
    contentPurgedAt: integer("content_purged_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (table) => [
    index("messages_status_created_idx").on(table.status, table.createdAt),
    index("messages_created_idx").on(table.createdAt),
    // Set once a provider accepted the message: unsent messages stay out of the index.
    index("messages_provider_message_idx")
      .on(table.providerMessageId)
      .where(sql`${table.providerMessageId} is not null`),
    index("messages_from_idx").on(table.fromEmail, table.createdAt),
    // A send key lists only its own messages.
    index("messages_api_key_idx").on(table.apiKeyId, table.createdAt),
    // Retention's content purge walks the oldest messages whose content is still kept.
    index("messages_content_kept_idx")
      .on(table.createdAt)
      .where(sql`${table.contentPurgedAt} is null`),
  ],
);
