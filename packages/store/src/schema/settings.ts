import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Settings kept in the database, by key: the routes changed through the API (JSON; the
 * configuration file seeds them), and values every instance on this database must share, such as
 * the generated unsubscribe signing secret.
 */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
