import { messageStatuses } from "@mailroute/core";
import { sql } from "drizzle-orm";
import { bigint, boolean, index, pgTable, text } from "drizzle-orm/pg-core";

/** One row per accepted message; `payload` is the normalized message as JSON. */
export const messages = pgTable(
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
    possibleDuplicate: boolean("possible_duplicate").notNull().default(false),
    routing: text("routing"),
    error: text("error"),
    sendAt: bigint("send_at", { mode: "number" }),
    /** The API key that accepted the message (`admin` for the environment's key). */
    apiKeyId: text("api_key_id"),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
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
  ],
);
