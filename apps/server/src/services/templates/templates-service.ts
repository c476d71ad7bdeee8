import {
  type CreateTemplateInput,
  type ErrorDetail,
  MailrouteError,
  newId,
  type Page,
  type TemplateRecord,
  type TemplateReference,
  type TemplateStore,
  templateIdPrefix,
  templateSourceIssues,
  type UpdateTemplateInput,
} from "@mailroute/core";
import type { RenderedTemplate } from "@mailroute/templates";
import {
  messagePaths,
  type RenderedMessageContent,
  renderPaths,
  renderStoredTemplate,
  type TemplatesLibrary,
  templateNotFound,
} from "./render-stored-template";
import { detailOf, summaryOf, type TemplateDetail, type TemplateSummary } from "./template-views";

/** The stored templates: create, read, version, delete, and render into a message's parts. */
export interface TemplatesService {
  /** Stores a template or partial as version 1; VALIDATION_ERROR per syntax problem, CONFLICT for a taken name. */
  create(input: CreateTemplateInput): Promise<TemplateDetail>;
  /** Templates and partials not deleted, newest first, without their sources. */
  list(query: { limit: number; cursor?: string | undefined }): Promise<Page<TemplateSummary>>;
  /** One version (the latest by default), by id or name; NOT_FOUND for an unknown template or version. */
  get(reference: string, version?: number): Promise<TemplateDetail>;
  /** Stores the full new source as the next version; earlier versions stay readable. */
  update(reference: string, input: UpdateTemplateInput): Promise<TemplateDetail>;
  /** Soft-deletes; CONFLICT for a partial that a template or partial not deleted includes. */
  delete(reference: string): Promise<void>;
  /** What a message would carry, without sending it; the same 422s as a send. */
  render(
    reference: string,
    input: { data?: Record<string, unknown> | undefined; version?: number | undefined },
  ): Promise<RenderedTemplate>;
  /** Renders a send's `template` at accept, with the error paths of a send body. */
  renderForMessage(reference: TemplateReference): Promise<RenderedMessageContent>;
}

type SourceInput = Pick<CreateTemplateInput, "subject" | "html" | "text">;

/**
 * Checks a new version's sources (what its kind requires, then each field's syntax) and answers
 * them as the store keeps them, with the partial names they include.
 */
function checkedSource(
  library: Pick<TemplatesLibrary, "checkTemplateSource">,
  kind: TemplateRecord["kind"],
  input: SourceInput,
) {
  const invalid = (details: ErrorDetail[]) =>
    new MailrouteError("VALIDATION_ERROR", "the template is invalid; see details", { details });
  const shapeIssues = templateSourceIssues(kind, input);
  if (shapeIssues.length > 0) {
    throw invalid(shapeIssues);
  }
  const { problems, partials } = library.checkTemplateSource({ kind, ...input, strict: true });
  if (problems.length > 0) {
    throw invalid(
      problems.map((problem) => ({
        path: problem.field,
        message: `line ${problem.line}, column ${problem.column}: ${problem.message}`,
      })),
    );
  }
  return {
    subject: input.subject ?? null,
    html: input.html ?? null,
    text: input.text ?? null,
    partials,
  };
}

/**
 * `@mailroute/templates` with the app's one renderer, loaded on first use: its HTML and CSS
 * parsers hold about 18 MB of memory that a mailroute sending no stored templates never pays.
 */
export function lazyTemplatesLibrary(): () => Promise<TemplatesLibrary> {
  let loading: Promise<TemplatesLibrary> | undefined;
  return () => {
    loading ??= import("@mailroute/templates").then(
      (library) => ({
        checkTemplateSource: library.checkTemplateSource,
        TemplateRenderError: library.TemplateRenderError,
        renderer: library.createTemplateRenderer(),
      }),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  };
}

/** Builds the templates service over the store and the rendering library. */
export function createTemplatesService(dependencies: {
  store: TemplateStore;
  library: () => Promise<TemplatesLibrary>;
}): TemplatesService {
  const { store } = dependencies;
  const rendering = async () => ({ store, library: await dependencies.library() });

  /** A template by id (`tpl_…`, deleted ones too) or by name (only those not deleted). */
  const lookup = (reference: string) =>
    reference.startsWith(`${templateIdPrefix}_`)
      ? store.getTemplate(reference)
      : store.findTemplateByName(reference);

  const findLive = async (reference: string): Promise<TemplateRecord> => {
    const template = await lookup(reference);
    if (!template || template.deletedAt !== null) {
      throw new MailrouteError("NOT_FOUND", `no template ${reference}`);
    }
    return template;
  };

  return {
    async create(input) {
      const written = await store.createTemplate({
        id: newId(templateIdPrefix),
        name: input.name,
        kind: input.kind,
        strict: input.strict,
        source: checkedSource(await dependencies.library(), input.kind, input),
        at: new Date(),
      });
      if (!written) {
        throw new MailrouteError(
          "CONFLICT",
          `a template or partial named ${input.name} already exists`,
          { details: [{ path: "name", message: "is taken" }] },
        );
      }
      return detailOf(written.template, written.version);
    },
    async list(query) {
      const page = await store.listTemplates(query);
      return { data: page.data.map(summaryOf), nextCursor: page.nextCursor };
    },
    async get(reference, number) {
      const template = await lookup(reference);
      if (!template) {
        throw new MailrouteError("NOT_FOUND", `no template ${reference}`);
      }
      const version = await store.getTemplateVersion(template.id, number ?? template.latestVersion);
      if (!version) {
        throw new MailrouteError("NOT_FOUND", `${template.name} has no version ${number}`);
      }
      return detailOf(template, version);
    },
    async update(reference, input) {
      const template = await findLive(reference);
      const written = await store.addTemplateVersion({
        id: template.id,
        strict: input.strict ?? template.strict,
        source: checkedSource(await dependencies.library(), template.kind, input),
        at: new Date(),
      });
      if (!written) {
        throw new MailrouteError("NOT_FOUND", `no template ${reference}`);
      }
      return detailOf(written.template, written.version);
    },
    async delete(reference) {
      const template = await findLive(reference);
      const users =
        template.kind === "partial"
          ? (await store.findTemplatesUsingPartial(template.name)).filter(
              (user) => user.id !== template.id,
            )
          : [];
      if (users.length > 0) {
        throw new MailrouteError(
          "CONFLICT",
          `the partial ${template.name} is included by ${users.map((user) => user.name).join(", ")}; change or delete those first`,
          {
            details: users.map((user) => ({
              path: "id",
              message: `is included by the ${user.kind} ${user.name} (${user.id})`,
            })),
          },
        );
      }
      if (!(await store.deleteTemplate(template.id, new Date()))) {
        throw new MailrouteError("NOT_FOUND", `no template ${reference}`);
      }
    },
    async render(reference, input) {
      // An unknown template in the path is a 404 like every read; the rest answers as a send.
      const template = await findLive(reference);
      const { subject, html, text } = await renderStoredTemplate(
        await rendering(),
        template,
        input,
        renderPaths,
      );
      return { subject, html, text };
    },
    async renderForMessage(reference) {
      const template = await lookup(reference.id);
      if (!template || template.deletedAt !== null) {
        throw templateNotFound(messagePaths.id, `no template ${reference.id}`);
      }
      return renderStoredTemplate(await rendering(), template, reference, messagePaths);
    },
  };
}
