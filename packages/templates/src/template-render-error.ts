/** Why a template could not be rendered with the data it was given. */
export const templateRenderFailures = [
  "missing_variables",
  "missing_partial",
  "render_failed",
] as const;

/** One of {@link templateRenderFailures}. */
export type TemplateRenderFailure = (typeof templateRenderFailures)[number];

/** Raised by rendering; `missing` names the missing variables (dotted paths) or partials. */
export class TemplateRenderError extends Error {
  readonly kind: TemplateRenderFailure;
  readonly missing: string[];

  constructor(kind: TemplateRenderFailure, message: string, missing: string[] = []) {
    super(message);
    this.name = "TemplateRenderError";
    this.kind = kind;
    this.missing = missing;
  }
}
