import type { TemplateRecord, TemplateVersionRecord } from "@mailroute/core";

/** A template as lists show it: what it is and its latest version, without the sources. */
export interface TemplateSummary {
  id: string;
  name: string;
  kind: TemplateRecord["kind"];
  engine: "handlebars";
  strict: boolean;
  /** The latest version. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** One version of a template, with its sources. */
export interface TemplateDetail extends TemplateSummary {
  /** This version's number (`version`) may be older than the latest. */
  latestVersion: number;
  subject: string | null;
  html: string | null;
  text: string | null;
  /** The partials this version includes directly. */
  partials: string[];
  versionCreatedAt: string;
  /** Set once deleted: a deleted template is still readable by id, but no longer sent. */
  deletedAt: string | null;
}

/** The stored template → its summary. */
export function summaryOf(template: TemplateRecord): TemplateSummary {
  return {
    id: template.id,
    name: template.name,
    kind: template.kind,
    engine: "handlebars",
    strict: template.strict,
    version: template.latestVersion,
    createdAt: template.createdAt,
    updatedAt: template.updatedAt,
  };
}

/** The stored template and one of its versions → the detail. */
export function detailOf(template: TemplateRecord, version: TemplateVersionRecord): TemplateDetail {
  return {
    ...summaryOf(template),
    version: version.version,
    latestVersion: template.latestVersion,
    subject: version.subject,
    html: version.html,
    text: version.text,
    partials: version.partials,
    versionCreatedAt: version.createdAt,
    deletedAt: template.deletedAt,
  };
}
