import { z } from "zod";
import type { ErrorDetail } from "../errors/mailroute-error";
import { isOneLine } from "../message/is-one-line";

/** What a stored template is: a whole message (`template`) or a piece other templates include. */
export const templateKinds = ["template", "partial"] as const;

/** A value of {@link templateKinds}. */
export type TemplateKind = (typeof templateKinds)[number];

/** The limits on what a stored template may hold. */
export const templateLimits = {
  maxNameLength: 100,
  /** The subject's source, before rendering; the rendered subject has the message limit. */
  maxSubjectSourceLength: 2000,
  maxBodySourceLength: 1_000_000,
} as const;

/** The prefix of template ids; a name may not start with it, so a reference is one or the other. */
export const templateIdPrefix = "tpl";

/**
 * A template's name: how a send and a `{{> partial}}` refer to it. Letters, digits, `_` and `-`
 * only, so it reads the same in a Handlebars partial call as in JSON.
 */
export const templateNameSchema = z
  .string()
  .regex(
    new RegExp(`^[A-Za-z0-9][A-Za-z0-9_-]{0,${templateLimits.maxNameLength - 1}}$`),
    `must be 1 to ${templateLimits.maxNameLength} letters, digits, _ or -, starting with a letter or digit`,
  )
  .refine((name) => !name.startsWith(`${templateIdPrefix}_`), {
    message: `must not start with ${templateIdPrefix}_ (ids do)`,
  });

const bodySourceSchema = z.string().max(templateLimits.maxBodySourceLength);

/** The sources every version carries, shared by create and update. */
const sourceShape = {
  subject: z
    .string()
    .max(templateLimits.maxSubjectSourceLength)
    .refine(isOneLine, "must be one line without control characters")
    .optional(),
  html: bodySourceSchema.optional(),
  text: bodySourceSchema.optional(),
  /** The only engine today; named so a request says what its sources are written for. */
  engine: z.literal("handlebars").default("handlebars"),
};

/** The body of `POST /v1/templates`. */
export const createTemplateSchema = z
  .object({
    name: templateNameSchema,
    kind: z.enum(templateKinds).default("template"),
    ...sourceShape,
    strict: z.boolean().default(true),
  })
  .strict();

/** A validated `POST /v1/templates` body. */
export type CreateTemplateInput = z.output<typeof createTemplateSchema>;

/** The body of `PUT /v1/templates/:id`: the whole new source; `strict` omitted keeps the setting. */
export const updateTemplateSchema = z
  .object({ ...sourceShape, strict: z.boolean().optional() })
  .strict();

/** A validated `PUT /v1/templates/:id` body. */
export type UpdateTemplateInput = z.output<typeof updateTemplateSchema>;

/** The data a template is rendered with: any JSON object. */
export const templateDataSchema = z.record(z.string(), z.unknown());

const versionSchema = z.number().int().min(1);

/** A message's `template`: which one (id or name), which version (the latest when omitted), data. */
export const templateReferenceSchema = z
  .object({
    id: z.string().min(1),
    version: versionSchema.optional(),
    data: templateDataSchema.optional(),
  })
  .strict();

/** A validated `template` of a send. */
export type TemplateReference = z.output<typeof templateReferenceSchema>;

/** The body of `POST /v1/templates/:id/render`. */
export const renderTemplateSchema = z
  .object({ data: templateDataSchema.optional(), version: versionSchema.optional() })
  .strict();

/**
 * What a source of this kind must hold, beyond its fields' own checks: a template has a subject
 * and a body (html or text), a partial has a body and no subject.
 */
export function templateSourceIssues(
  kind: TemplateKind,
  source: { subject?: string | undefined; html?: string | undefined; text?: string | undefined },
): ErrorDetail[] {
  const issues: ErrorDetail[] = [];
  if (kind === "template" && !source.subject) {
    issues.push({ path: "subject", message: "is required for a template" });
  }
  if (kind === "partial" && source.subject !== undefined) {
    issues.push({ path: "subject", message: "a partial has no subject" });
  }
  if (source.html === undefined && source.text === undefined) {
    issues.push({ path: "html", message: "html or text is required" });
  }
  return issues;
}
