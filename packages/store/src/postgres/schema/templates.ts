import { templateKinds } from "@mailroute/core";
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/** Stored templates and partials; their sources are in `template_versions`. */
export const templates = pgTable(
  "templates",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    kind: text("kind", { enum: templateKinds }).notNull(),
    strict: boolean("strict").notNull(),
    latestVersion: integer("latest_version").notNull(),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
    /** Set by a delete; the row stays so that messages keep naming what they were rendered from. */
    deletedAt: bigint("deleted_at", { mode: "number" }),
  },
  (table) => [
    // A deleted template's name is free again.
    uniqueIndex("templates_live_name_idx").on(table.name).where(sql`${table.deletedAt} is null`),
    index("templates_created_idx").on(table.createdAt, table.id),
  ],
);

/** Every version of a template's sources; a version is never changed once written. */
export const templateVersions = pgTable(
  "template_versions",
  {
    templateId: text("template_id").notNull(),
    version: integer("version").notNull(),
    subject: text("subject"),
    html: text("html"),
    text: text("text"),
    /** JSON array of the partial names this version uses directly. */
    partials: text("partials").notNull(),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.templateId, table.version] })],
);
