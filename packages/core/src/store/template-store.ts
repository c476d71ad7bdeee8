import type { TemplateKind } from "../template/template-schema";
import type { Page } from "./mail-store";

/** A stored template or partial without its sources, as lists show it. */
export interface TemplateRecord {
  /** `tpl_…`. */
  id: string;
  /** Unique among templates and partials not deleted; how a send or a `{{> partial}}` names it. */
  name: string;
  kind: TemplateKind;
  /** A variable the template prints but the data lacks is an error (422) instead of blank. */
  strict: boolean;
  /** The newest version; versions count from 1. */
  latestVersion: number;
  createdAt: string;
  updatedAt: string;
  /** When it was deleted; null while it may be sent. */
  deletedAt: string | null;
}

/** One version of a template's sources; versions never change once written. */
export interface TemplateVersionRecord {
  templateId: string;
  version: number;
  /** Null for a partial. */
  subject: string | null;
  html: string | null;
  text: string | null;
  /** The names of the partials this version uses directly (`{{> name}}`). */
  partials: string[];
  createdAt: string;
}

/** The sources of a new version. */
export type TemplateSourceInput = Pick<
  TemplateVersionRecord,
  "subject" | "html" | "text" | "partials"
>;

/** The stored templates and their versions; every method is one transaction. */
export interface TemplateStore {
  /**
   * Writes a template and its version 1; null (and nothing written) when a template that is not
   * deleted already has the name.
   */
  createTemplate(input: {
    id: string;
    name: string;
    kind: TemplateKind;
    strict: boolean;
    source: TemplateSourceInput;
    at: Date;
  }): Promise<{ template: TemplateRecord; version: TemplateVersionRecord } | null>;
  /**
   * Writes the next version and makes it the latest (and sets `strict`); null when the template
   * is unknown or deleted.
   */
  addTemplateVersion(input: {
    id: string;
    strict: boolean;
    source: TemplateSourceInput;
    at: Date;
  }): Promise<{ template: TemplateRecord; version: TemplateVersionRecord } | null>;
  /** A template by id, deleted or not. */
  getTemplate(id: string): Promise<TemplateRecord | null>;
  /** The template that is not deleted with this name. */
  findTemplateByName(name: string): Promise<TemplateRecord | null>;
  getTemplateVersion(id: string, version: number): Promise<TemplateVersionRecord | null>;
  /** Templates and partials not deleted, newest first. */
  listTemplates(query: {
    limit: number;
    cursor?: string | undefined;
  }): Promise<Page<TemplateRecord>>;
  /** The templates and partials not deleted whose latest version uses the partial `name`. */
  findTemplatesUsingPartial(name: string): Promise<TemplateRecord[]>;
  /** Marks it deleted (its name is free again); false when unknown or already deleted. */
  deleteTemplate(id: string, at: Date): Promise<boolean>;
}
