import { index, pgTable, primaryKey, text } from "drizzle-orm/pg-core";

/** Tags of a message, one row each, so the log can filter by tag with an index. */
export const messageTags = pgTable(
  "message_tags",
  {
    messageId: text("message_id").notNull(),
    tag: text("tag").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.messageId, table.tag] }),
    index("message_tags_tag_idx").on(table.tag, table.messageId),
  ],
);
