import { bigint, pgTable, text } from "drizzle-orm/pg-core";

/**
 * Settings kept in the database, by key: the routes changed through the API (JSON; the
 * configuration file seeds them), and values every instance on this database must share, such as
 * the generated unsubscribe signing secret.
 */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
});
