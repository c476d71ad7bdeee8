import { templateKinds } from "@mailroute/core";
import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

/** Stored templates and partials; their sources are in `template_versions`. */
export const templates = sqliteTable(
  "templates",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    kind: text("kind", { enum: templateKinds }).notNull(),
    strict: integer("strict", { mode: "boolean" }).notNull(),
    latestVersion: integer("latest_version").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    /** Set by a delete; the row stays so that messages keep naming what they were rendered from. */
    deletedAt: integer("deleted_at"),
  },
  (table) => [
    // A deleted template's name is free again.
    uniqueIndex("templates_live_name_idx").on(table.name).where(sql`${table.deletedAt} is null`),
    index("templates_created_idx").on(table.createdAt, table.id),
  ],
);

/** Every version of a template's sources; a version is never changed once written. */
export const templateVersions = sqliteTable(
  "template_versions",
  {
    templateId: text("template_id").notNull(),
    version: integer("version").notNull(),
    subject: text("subject"),
    html: text("html"),
    text: text("text"),
    /** JSON array of the partial names this version uses directly. */
    partials: text("partials").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.templateId, table.version] })],
);
