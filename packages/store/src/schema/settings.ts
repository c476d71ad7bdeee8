import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Settings changed through the API (the routes), as JSON by key; the configuration file seeds them. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
