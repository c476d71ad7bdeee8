import { index, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Tags of a message, one row each, so the log can filter by tag with an index. */
export const messageTags = sqliteTable(
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
