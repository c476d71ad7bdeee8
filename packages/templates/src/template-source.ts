/** What a stored template is: a message template, or a partial other templates include by name. */
export const templateKinds = ["template", "partial"] as const;

/** One of {@link templateKinds}. */
export type TemplateKind = (typeof templateKinds)[number];

/** The parts of a template that are Handlebars sources. */
export const templateFields = ["subject", "html", "text"] as const;

/** One of {@link templateFields}. */
export type TemplateField = (typeof templateFields)[number];

/** One version of a template or partial, as stored. */
export interface TemplateSource {
  kind: TemplateKind;
  /** Required for a template; a partial has none. */
  subject?: string | undefined;
  html?: string | undefined;
  text?: string | undefined;
  /** Strict: a variable the template prints but the data lacks is an error, not an empty string. */
  strict: boolean;
}

/** A stored version's source; `key` is unique per stored version and keys the compile cache. */
export interface VersionedSource {
  key: string;
  source: TemplateSource;
}

/** What a message carries after rendering. */
export interface RenderedTemplate {
  subject: string;
  html?: string | undefined;
  text?: string | undefined;
}
