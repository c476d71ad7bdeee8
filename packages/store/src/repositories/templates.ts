import type {
  Page,
  TemplateKind,
  TemplateRecord,
  TemplateSourceInput,
  TemplateVersionRecord,
} from "@mailroute/core";
import { and, desc, eq, getTableColumns, isNull, type SQL, sql } from "drizzle-orm";
import type { SqliteDatabase } from "../open-database";
import { templates, templateVersions } from "../schema/index";
import { beforeCursor, newestFirstPage } from "./newest-first";
import { jsonBytes } from "./page-budget";
import { prepared } from "./prepared";

type TemplateRow = typeof templates.$inferSelect;
type VersionRow = typeof templateVersions.$inferSelect;

/** A template with the version just written. */
type Written = { template: TemplateRecord; version: TemplateVersionRecord };

function toTemplate(row: TemplateRow): TemplateRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    strict: row.strict,
    latestVersion: row.latestVersion,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
    deletedAt: row.deletedAt === null ? null : new Date(row.deletedAt).toISOString(),
  };
}

function toVersion(row: VersionRow): TemplateVersionRecord {
  return {
    templateId: row.templateId,
    version: row.version,
    subject: row.subject,
    html: row.html,
    text: row.text,
    partials: JSON.parse(row.partials) as string[],
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

function insertVersion(
  db: SqliteDatabase,
  templateId: string,
  version: number,
  source: TemplateSourceInput,
  at: number,
): TemplateVersionRecord {
  const row = db
    .insert(templateVersions)
    .values({
      templateId,
      version,
      subject: source.subject,
      html: source.html,
      text: source.text,
      partials: JSON.stringify(source.partials),
      createdAt: at,
    })
    .returning()
    .get();
  return toVersion(row);
}

/** Writes a template and its version 1; null when a live template already has the name. */
export function createTemplate(
  db: SqliteDatabase,
  input: {
    id: string;
    name: string;
    kind: TemplateKind;
    strict: boolean;
    source: TemplateSourceInput;
    at: Date;
  },
): Written | null {
  const at = input.at.getTime();
  // The unique index on live names decides, so two creates racing for one name cannot both win.
  const row = db
    .insert(templates)
    .values({
      id: input.id,
      name: input.name,
      kind: input.kind,
      strict: input.strict,
      latestVersion: 1,
      createdAt: at,
      updatedAt: at,
    })
    .onConflictDoNothing()
    .returning()
    .get();
  if (!row) {
    return null;
  }
  return { template: toTemplate(row), version: insertVersion(db, row.id, 1, input.source, at) };
}

/** Writes the next version of a live template and makes it the latest; null otherwise. */
export function addTemplateVersion(
  db: SqliteDatabase,
  input: { id: string; strict: boolean; source: TemplateSourceInput; at: Date },
): Written | null {
  const at = input.at.getTime();
  const row = db
    .update(templates)
    .set({
      latestVersion: sql`${templates.latestVersion} + 1`,
      strict: input.strict,
      updatedAt: at,
    })
    .where(and(eq(templates.id, input.id), isNull(templates.deletedAt)))
    .returning()
    .get();
  if (!row) {
    return null;
  }
  return {
    template: toTemplate(row),
    version: insertVersion(db, row.id, row.latestVersion, input.source, at),
  };
}

// Every templated send reads these: compiled once per connection instead of on every call.
const templateColumns =
  "id, name, kind, strict, latest_version as latestVersion, created_at as createdAt, updated_at as updatedAt, deleted_at as deletedAt";

/** A raw row: SQLite answers booleans as 0 or 1. */
function readTemplateRow(row: unknown): TemplateRecord | null {
  if (!row) {
    return null;
  }
  const raw = row as Omit<TemplateRow, "strict"> & { strict: number };
  return toTemplate({ ...raw, strict: raw.strict === 1 });
}

export function getTemplate(db: SqliteDatabase, id: string): TemplateRecord | null {
  return readTemplateRow(
    prepared(db, `select ${templateColumns} from templates where id = ?`).get(id),
  );
}

export function findTemplateByName(db: SqliteDatabase, name: string): TemplateRecord | null {
  return readTemplateRow(
    prepared(
      db,
      `select ${templateColumns} from templates where name = ? and deleted_at is null`,
    ).get(name),
  );
}

export function getTemplateVersion(
  db: SqliteDatabase,
  id: string,
  version: number,
): TemplateVersionRecord | null {
  const row = prepared(
    db,
    "select template_id as templateId, version, subject, html, text, partials, created_at as createdAt from template_versions where template_id = ? and version = ?",
  ).get(id, version) as VersionRow | undefined;
  return row ? toVersion(row) : null;
}

/** Live templates and partials, newest first; summaries only (no sources). */
export function listTemplates(
  db: SqliteDatabase,
  query: { limit: number; cursor?: string | undefined },
): Page<TemplateRecord> {
  const conditions: SQL[] = [isNull(templates.deletedAt)];
  const before = beforeCursor(query.cursor, templates.createdAt, templates.id);
  if (before) {
    conditions.push(before);
  }
  const rows = db
    .select({ ...getTableColumns(templates), bytes: jsonBytes(250, templates.id, templates.name) })
    .from(templates)
    .where(and(...conditions))
    .orderBy(desc(templates.createdAt), desc(templates.id))
    .limit(query.limit + 1)
    .all();
  const page = newestFirstPage(
    rows,
    query.limit,
    (row) => [row.createdAt, row.id],
    (row) => row.bytes,
  );
  return { data: page.rows.map(toTemplate), nextCursor: page.nextCursor };
}

/** Live templates and partials whose latest version uses the partial `name` directly. */
export function findTemplatesUsingPartial(db: SqliteDatabase, name: string): TemplateRecord[] {
  return db
    .select(getTableColumns(templates))
    .from(templates)
    .innerJoin(
      templateVersions,
      and(
        eq(templateVersions.templateId, templates.id),
        eq(templateVersions.version, templates.latestVersion),
      ),
    )
    .where(
      and(
        isNull(templates.deletedAt),
        sql`exists (select 1 from json_each(${templateVersions.partials}) where value = ${name})`,
      ),
    )
    .orderBy(desc(templates.createdAt), desc(templates.id))
    .all()
    .map(toTemplate);
}

/** Marks a live template deleted; false when unknown or already deleted. */
export function deleteTemplate(db: SqliteDatabase, id: string, at: Date): boolean {
  const result = db
    .update(templates)
    .set({ deletedAt: at.getTime(), updatedAt: at.getTime() })
    .where(and(eq(templates.id, id), isNull(templates.deletedAt)))
    .run();
  return result.changes > 0;
}
