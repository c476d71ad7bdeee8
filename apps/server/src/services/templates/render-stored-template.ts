import {
  MailrouteError,
  renderedContentSchema,
  type TemplateRecord,
  type TemplateStore,
  type TemplateVersionRecord,
} from "@mailroute/core";
import type {
  checkTemplateSource,
  RenderedTemplate,
  TemplateRenderError,
  TemplateRenderer,
  TemplateSource,
  VersionedSource,
} from "@mailroute/templates";
import { formatIssues } from "../../format-issues";

/** What the server uses of `@mailroute/templates`, loaded on first use (see the templates service). */
export interface TemplatesLibrary {
  checkTemplateSource: typeof checkTemplateSource;
  TemplateRenderError: typeof TemplateRenderError;
  renderer: TemplateRenderer;
}

/** What a templated message carries: the rendered parts and what they were rendered from. */
export interface RenderedMessageContent extends RenderedTemplate {
  template: { id: string; version: number };
}

/** Where a render's input sits in the request, for the error details. */
export interface InputPaths {
  id: string;
  version: string;
  data: string;
}

/** A send body's `template`. */
export const messagePaths: InputPaths = {
  id: "template.id",
  version: "template.version",
  data: "template.data",
};

/** `POST /v1/templates/:id/render`'s path and body. */
export const renderPaths: InputPaths = { id: "id", version: "version", data: "data" };

/** A send or render naming a template or version that is not there (422: the body is at fault). */
export function templateNotFound(path: string, message: string): MailrouteError {
  return new MailrouteError("TEMPLATE_NOT_FOUND", message, { details: [{ path, message }] });
}

function sourceOf(template: TemplateRecord, version: TemplateVersionRecord): TemplateSource {
  return {
    kind: template.kind,
    subject: version.subject ?? undefined,
    html: version.html ?? undefined,
    text: version.text ?? undefined,
    strict: template.strict,
  };
}

/** A version as the renderer takes it; its key names what is compiled, strictness included. */
function versioned(template: TemplateRecord, version: TemplateVersionRecord): VersionedSource {
  return {
    key: `${template.id}@${version.version}${template.strict ? "" : ":lenient"}`,
    source: sourceOf(template, version),
  };
}

/**
 * Every partial a version reaches, transitively, each at its latest version, by name. A name no
 * live partial has is left out: the renderer names it, if the template really reaches it.
 */
async function reachablePartials(
  store: Pick<TemplateStore, "findTemplateByName" | "getTemplateVersion">,
  first: TemplateVersionRecord,
): Promise<Map<string, VersionedSource>> {
  const partials = new Map<string, VersionedSource>();
  const pending = [...first.partials];
  const seen = new Set(pending);
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    const partial = await store.findTemplateByName(name);
    const version =
      partial?.kind === "partial"
        ? await store.getTemplateVersion(partial.id, partial.latestVersion)
        : null;
    if (!partial || !version) {
      continue;
    }
    partials.set(name, versioned(partial, version));
    for (const next of version.partials.filter((next) => !seen.has(next))) {
      seen.add(next);
      pending.push(next);
    }
  }
  return partials;
}

/** A renderer's refusal as the API's 422, with the paths of the request. */
function renderFailure(error: TemplateRenderError, paths: InputPaths): MailrouteError {
  if (error.kind === "missing_variables") {
    return new MailrouteError("TEMPLATE_DATA_MISSING", error.message, {
      details: error.missing.map((path) => ({
        path: `${paths.data}.${path}`,
        message: "is used by the template but missing from the data",
      })),
    });
  }
  return new MailrouteError("TEMPLATE_RENDER_FAILED", error.message, {
    details: [{ path: paths.id, message: error.message }],
  });
}

/**
 * Renders one version of a live template (the latest by default) with the data and the partials
 * it reaches, and checks the result as a message's subject and bodies are checked.
 */
export async function renderStoredTemplate(
  dependencies: {
    store: Pick<TemplateStore, "findTemplateByName" | "getTemplateVersion">;
    library: TemplatesLibrary;
  },
  template: TemplateRecord,
  input: { version?: number | undefined; data?: Record<string, unknown> | undefined },
  paths: InputPaths,
): Promise<RenderedMessageContent> {
  const { store, library } = dependencies;
  if (template.kind !== "template") {
    throw templateNotFound(
      paths.id,
      `${template.name} is a partial; include it in a template with {{> ${template.name}}}`,
    );
  }
  const number = input.version ?? template.latestVersion;
  const version = await store.getTemplateVersion(template.id, number);
  if (!version) {
    throw templateNotFound(
      paths.version,
      `${template.name} has no version ${number} (the latest is ${template.latestVersion})`,
    );
  }
  let rendered: RenderedTemplate;
  try {
    rendered = library.renderer.render({
      template: versioned(template, version),
      partials: await reachablePartials(store, version),
      data: input.data ?? {},
    });
  } catch (error) {
    throw error instanceof library.TemplateRenderError ? renderFailure(error, paths) : error;
  }
  // The same checks as a subject sent as is: one line, within the limit, not empty.
  const content = renderedContentSchema.safeParse(rendered);
  if (!content.success) {
    throw new MailrouteError(
      "TEMPLATE_RENDER_FAILED",
      "the rendered message is invalid; see details",
      { details: formatIssues(content.error.issues) },
    );
  }
  return {
    subject: rendered.subject,
    ...(rendered.html !== undefined ? { html: rendered.html } : {}),
    ...(rendered.text !== undefined ? { text: rendered.text } : {}),
    template: { id: template.id, version: number },
  };
}
