import Handlebars from "handlebars";
import { needsOf, parseField, type SourceNeeds } from "./analyze-template";
import { inlineCss, styleSheetsOf } from "./inline-css";
import { TemplateRenderError } from "./template-render-error";
import type {
  RenderedTemplate,
  TemplateField,
  TemplateSource,
  VersionedSource,
} from "./template-source";
import { textOfHtml, textSourceOfHtml } from "./text-from-html";

/** Renders stored templates; compiles each set of versions once and keeps it. */
export interface TemplateRenderer {
  /**
   * Renders a template with the partials it reaches (by name, transitively). Throws
   * {@link TemplateRenderError} for missing variables (strict templates), a missing partial, or a
   * failure while rendering.
   */
  render(input: {
    template: VersionedSource;
    partials: ReadonlyMap<string, VersionedSource>;
    data: Record<string, unknown>;
  }): RenderedTemplate;
}

type Delegate = Handlebars.TemplateDelegate;

/** A template compiled with one set of partial versions. */
interface Compiled {
  subject: Delegate | null;
  html: Delegate | null;
  /** The text part, compiled; `"from-html"` when it is made from each rendered HTML. */
  text: Delegate | "from-html" | null;
  /** The text part is made from the HTML (ahead or not), so its trailing blank lines go. */
  textFromHtml: boolean;
  htmlPartials: Record<string, Delegate>;
  textPartials: Record<string, Delegate>;
  /** Dotted paths a strict template requires, with their segments; empty when lenient. */
  required: { path: string; parts: string[] }[];
}

// One environment of our own, whose `log` helper prints nothing: the built-in one would write
// template data (addresses, tokens) to the process's output.
const handlebars = Handlebars.create();
handlebars.registerHelper("log", () => "");

function compileField(field: TemplateField, source: string): Delegate {
  // Only HTML is escaped: the subject is a header and the text part is plain text.
  return handlebars.compile(source, { noEscape: field !== "html" });
}

/** Every partial a template reaches, by name, and whether each is rendered in its context. */
function reachablePartials(
  template: TemplateSource,
  partials: ReadonlyMap<string, VersionedSource>,
  needsOfSource: (field: TemplateField, source: string) => SourceNeeds,
): { names: string[]; inContext: string[] } {
  const names = new Set<string>();
  const inContext = new Set<string>();
  const visit = (source: TemplateSource, contextual: boolean) => {
    for (const field of ["html", "text"] as const) {
      const text = source[field];
      if (text === undefined) {
        continue;
      }
      const needs = needsOfSource(field, text);
      for (const name of needs.partials) {
        const isContextual = contextual && needs.partialsInContext.includes(name);
        if (names.has(name) && (!isContextual || inContext.has(name))) {
          continue;
        }
        names.add(name);
        if (isContextual) {
          inContext.add(name);
        }
        const partial = partials.get(name);
        if (!partial) {
          throw new TemplateRenderError(
            "missing_partial",
            `the template includes the partial "${name}", which does not exist`,
            [name],
          );
        }
        visit(partial.source, isContextual);
      }
    }
  };
  visit(template, true);
  return { names: [...names], inContext: [...inContext] };
}

/** Builds a renderer with a bounded cache of compiled templates (least recently used go first). */
export function createTemplateRenderer(options: { maxCached?: number } = {}): TemplateRenderer {
  const maxCached = options.maxCached ?? 500;
  const compiled = new Map<string, Compiled>();
  const needsCache = new Map<string, SourceNeeds>();

  const needsOfSource = (field: TemplateField, source: string): SourceNeeds => {
    const cacheKey = `${field}\u0000${source}`;
    let needs = needsCache.get(cacheKey);
    if (!needs) {
      const parsed = parseField(field, source);
      if ("problem" in parsed) {
        const { line, column, message } = parsed.problem;
        throw new TemplateRenderError(
          "render_failed",
          `the ${field} source does not parse (line ${line}, column ${column}): ${message}`,
        );
      }
      needs = needsOf(parsed.program);
      if (needsCache.size >= maxCached * 4) {
        needsCache.clear();
      }
      needsCache.set(cacheKey, needs);
    }
    return needs;
  };

  const compile = (
    template: TemplateSource,
    partials: ReadonlyMap<string, VersionedSource>,
  ): Compiled => {
    const reach = reachablePartials(template, partials, needsOfSource);
    const reached = reach.names.map((name) => [name, partials.get(name)?.source] as const);
    const css = [template, ...reached.map(([, source]) => source)]
      .map((source) => (source?.html === undefined ? "" : styleSheetsOf(source.html)))
      .join("");
    const htmlPartials: Record<string, Delegate> = {};
    const textPartials: Record<string, Delegate> = {};
    for (const [name, source] of reached) {
      if (source?.html !== undefined) {
        htmlPartials[name] = compileField("html", inlineCss(source.html, css));
      }
    }
    for (const [name, source] of reached) {
      const text =
        source?.text ?? (source?.html === undefined ? undefined : textSourceOfHtml(source.html));
      const html = htmlPartials[name];
      if (text !== undefined && text !== null) {
        textPartials[name] = compileField("text", text);
      } else if (text === null && html) {
        // Not convertible ahead: this partial's text is made from its rendered HTML.
        textPartials[name] = (context, runtime) =>
          textOfHtml(html(context, { ...runtime, partials: htmlPartials }));
      }
    }
    let text: Compiled["text"] = null;
    if (template.text !== undefined) {
      text = compileField("text", template.text);
    } else if (template.html !== undefined) {
      const converted = textSourceOfHtml(template.html);
      text = converted === null ? "from-html" : compileField("text", converted);
    }
    const required = new Map<string, string[]>();
    if (template.strict) {
      const add = (field: TemplateField, source: string | undefined) => {
        if (source === undefined) {
          return;
        }
        for (const parts of needsOfSource(field, source).variables) {
          required.set(parts.join("."), parts);
        }
      };
      for (const field of ["subject", "html", "text"] as const) {
        add(field, template[field]);
      }
      for (const name of reach.inContext) {
        const source = partials.get(name)?.source;
        add("html", source?.html);
        add("text", source?.text);
      }
    }
    return {
      subject: template.subject === undefined ? null : compileField("subject", template.subject),
      html:
        template.html === undefined ? null : compileField("html", inlineCss(template.html, css)),
      text,
      textFromHtml: template.text === undefined,
      htmlPartials,
      textPartials,
      required: [...required].map(([path, parts]) => ({ path, parts })),
    };
  };

  const compiledFor = (
    template: VersionedSource,
    partials: ReadonlyMap<string, VersionedSource>,
  ): Compiled => {
    const key = [template.key, ...[...partials.values()].map((partial) => partial.key).sort()].join(
      "\u0000",
    );
    const cached = compiled.get(key);
    if (cached) {
      // Most recently used last, so the first entry is the one to drop.
      compiled.delete(key);
      compiled.set(key, cached);
      return cached;
    }
    const fresh = compile(template.source, partials);
    if (compiled.size >= maxCached) {
      const oldest = compiled.keys().next().value;
      if (oldest !== undefined) {
        compiled.delete(oldest);
      }
    }
    compiled.set(key, fresh);
    return fresh;
  };

  return {
    render({ template, partials, data }) {
      const unit = compiledFor(template, partials);
      const missing = unit.required.filter(({ parts }) => !hasValue(data, parts));
      if (missing.length > 0) {
        const paths = missing.map(({ path }) => path);
        throw new TemplateRenderError(
          "missing_variables",
          `the data lacks ${paths.length === 1 ? "a variable" : "variables"} the template uses: ${paths.join(", ")}`,
          paths,
        );
      }
      try {
        const html = unit.html?.(data, { partials: unit.htmlPartials });
        let text: string | undefined;
        if (unit.text === "from-html") {
          text = html === undefined ? undefined : textOfHtml(html);
        } else if (unit.text) {
          text = unit.text(data, { partials: unit.textPartials });
          if (unit.textFromHtml) {
            text = text.trimEnd();
          }
        }
        return { subject: unit.subject?.(data) ?? "", html, text };
      } catch (error) {
        throw renderFailure(error);
      }
    },
  };
}

/** True when the data holds a value (null included) at the path, through own properties only. */
function hasValue(data: unknown, parts: readonly string[]): boolean {
  let value = data;
  for (const part of parts) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, part)) {
      return false;
    }
    value = (value as Record<string, unknown>)[part];
  }
  return value !== undefined;
}

function renderFailure(error: unknown): TemplateRenderError {
  if (error instanceof RangeError) {
    return new TemplateRenderError(
      "render_failed",
      "the template's partials include each other without end",
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  const partial = /^The partial (.+) could not be found/.exec(message);
  if (partial?.[1]) {
    return new TemplateRenderError(
      "missing_partial",
      `the template includes the partial "${partial[1]}", which does not exist`,
      [partial[1]],
    );
  }
  return new TemplateRenderError("render_failed", `the template failed to render: ${message}`);
}
