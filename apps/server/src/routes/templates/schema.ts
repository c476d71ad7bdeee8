import { z } from "@hono/zod-openapi";
import { templateKinds } from "@mailroute/core";

/** A template as lists show it: without its sources. */
export const templateSummarySchema = z
  .object({
    id: z.string().openapi({ example: "tpl_00mws64a8bn1g83q5jy8uqet" }),
    name: z.string().openapi({ example: "welcome" }),
    kind: z.enum(templateKinds),
    engine: z.literal("handlebars"),
    strict: z.boolean(),
    version: z.number().int().openapi({ description: "The latest version" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("TemplateSummary");

/** One version of a template with its sources. */
export const templateDetailSchema = templateSummarySchema
  .extend({
    version: z.number().int().openapi({ description: "This version" }),
    latestVersion: z.number().int(),
    subject: z.string().nullable(),
    html: z.string().nullable(),
    text: z.string().nullable(),
    partials: z.array(z.string()).openapi({ description: "The partials it includes directly" }),
    versionCreatedAt: z.string(),
    deletedAt: z.string().nullable(),
  })
  .openapi("Template");

/** What a message rendered from a template carries. */
export const renderedTemplateSchema = z
  .object({ subject: z.string(), html: z.string().nullable(), text: z.string().nullable() })
  .openapi("RenderedTemplate");

/** `:id`: a template's id or its name. */
export const templateParams = z.object({
  id: z.string().openapi({
    param: { name: "id", in: "path" },
    description: "The template's id (`tpl_…`) or its name",
  }),
});

export const templateResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: templateDetailSchema } },
});
