import type {
  Page,
  TemplateKind,
  TemplateRecord,
  TemplateSourceInput,
  TemplateVersionRecord,
} from "@mailroute/core";
import { and, desc, eq, getTableColumns, isNull, type SQL, sql } from "drizzle-orm";
import { beforeCursor, newestFirstPage } from "../../repositories/newest-first";
import { jsonBytes } from "../../repositories/page-budget";
import type { PgClient } from "../pg-client";
import { templates, templateVersions } from "../schema/index";
import { queryBuilder } from "./query-builder";

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

async function insertVersion(
  client: PgClient,
  templateId: string,
  version: number,
  source: TemplateSourceInput,
  at: number,
): Promise<TemplateVersionRecord> {
  const [row] = await queryBuilder(client)
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
    .returning();
  if (!row) {
    throw new Error(`version ${version} of template ${templateId} was not stored`);
  }
  return toVersion(row);
}

/** Writes a template and its version 1; null when a live template already has the name. */
export async function createTemplate(
  client: PgClient,
  input: {
    id: string;
    name: string;
    kind: TemplateKind;
    strict: boolean;
    source: TemplateSourceInput;
    at: Date;
  },
): Promise<Written | null> {
  const at = input.at.getTime();
  // The unique index on live names decides: a create racing another for one name waits for it to
  // commit and then writes nothing, so two instances cannot both win.
  const [row] = await queryBuilder(client)
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
    .returning();
  if (!row) {
    return null;
  }
  return {
    template: toTemplate(row),
    version: await insertVersion(client, row.id, 1, input.source, at),
  };
}

/**
 * Writes the next version of a live template and makes it the latest; null otherwise. The update
 * locks the template's row, so concurrent new versions are numbered one after the other.
 */
export async function addTemplateVersion(
  client: PgClient,
  input: { id: string; strict: boolean; source: TemplateSourceInput; at: Date },
): Promise<Written | null> {
  const at = input.at.getTime();
  const [row] = await queryBuilder(client)
    .update(templates)
    .set({
      latestVersion: sql`${templates.latestVersion} + 1`,
      strict: input.strict,
      updatedAt: at,
    })
    .where(and(eq(templates.id, input.id), isNull(templates.deletedAt)))
    .returning();
  if (!row) {
    return null;
  }
  return {
    template: toTemplate(row),
    version: await insertVersion(client, row.id, row.latestVersion, input.source, at),
  };
}

// Every templated send reads these: named statements, parsed once per connection.
const templateColumns =
  "id, name, kind, strict, latest_version, created_at, updated_at, deleted_at";

interface RawTemplateRow {
  id: string;
  name: string;
  kind: TemplateKind;
  strict: boolean;
  latest_version: number;
  created_at: number | string;
  updated_at: number | string;
  deleted_at: number | string | null;
}

function readTemplateRow(row: RawTemplateRow | undefined): TemplateRecord | null {
  if (!row) {
    return null;
  }
  return toTemplate({
    id: row.id,
    name: row.name,
    kind: row.kind,
    strict: row.strict,
    latestVersion: row.latest_version,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    deletedAt: row.deleted_at === null ? null : Number(row.deleted_at),
  });
}

export async function getTemplate(client: PgClient, id: string): Promise<TemplateRecord | null> {
  const result = await client.query<RawTemplateRow>({
    name: "mailroute_template_by_id",
    text: `select ${templateColumns} from templates where id = $1`,
    values: [id],
  });
  return readTemplateRow(result.rows[0]);
}

export async function findTemplateByName(
  client: PgClient,
  name: string,
): Promise<TemplateRecord | null> {
  const result = await client.query<RawTemplateRow>({
    name: "mailroute_template_by_name",
    text: `select ${templateColumns} from templates where name = $1 and deleted_at is null`,
    values: [name],
  });
  return readTemplateRow(result.rows[0]);
}

export async function getTemplateVersion(
  client: PgClient,
  id: string,
  version: number,
): Promise<TemplateVersionRecord | null> {
  const result = await client.query<{
    template_id: string;
    version: number;
    subject: string | null;
    html: string | null;
    text: string | null;
    partials: string;
    created_at: number | string;
  }>({
    name: "mailroute_template_version",
    text: "select template_id, version, subject, html, text, partials, created_at from template_versions where template_id = $1 and version = $2",
    values: [id, version],
  });
  const row = result.rows[0];
  return row
    ? toVersion({
        templateId: row.template_id,
        version: row.version,
        subject: row.subject,
        html: row.html,
        text: row.text,
        partials: row.partials,
        createdAt: Number(row.created_at),
      })
    : null;
}

/** Live templates and partials, newest first; summaries only (no sources). */
export async function listTemplates(
  client: PgClient,
  query: { limit: number; cursor?: string | undefined },
): Promise<Page<TemplateRecord>> {
  const conditions: SQL[] = [isNull(templates.deletedAt)];
  const before = beforeCursor(query.cursor, templates.createdAt, templates.id);
  if (before) {
    conditions.push(before);
  }
  const rows = await queryBuilder(client)
    .select({ ...getTableColumns(templates), bytes: jsonBytes(250, templates.id, templates.name) })
    .from(templates)
    .where(and(...conditions))
    .orderBy(desc(templates.createdAt), desc(templates.id))
    .limit(query.limit + 1);
  const page = newestFirstPage(
    rows,
    query.limit,
    (row) => [row.createdAt, row.id],
    (row) => row.bytes,
  );
  return { data: page.rows.map(toTemplate), nextCursor: page.nextCursor };
}

/** Live templates and partials whose latest version uses the partial `name` directly. */
export async function findTemplatesUsingPartial(
  client: PgClient,
  name: string,
): Promise<TemplateRecord[]> {
  const rows = await queryBuilder(client)
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
        // `partials` is a JSON array of names kept as text: contains the string `name`.
        sql`${templateVersions.partials}::jsonb @> jsonb_build_array(${name}::text)`,
      ),
    )
    .orderBy(desc(templates.createdAt), desc(templates.id));
  return rows.map(toTemplate);
}

/** Marks a live template deleted; false when unknown or already deleted. */
export async function deleteTemplate(client: PgClient, id: string, at: Date): Promise<boolean> {
  const rows = await queryBuilder(client)
    .update(templates)
    .set({ deletedAt: at.getTime(), updatedAt: at.getTime() })
    .where(and(eq(templates.id, id), isNull(templates.deletedAt)))
    .returning({ id: templates.id });
  return rows.length > 0;
}
