import { describe, expect, it, vi } from "vitest";
import { TemplateRenderError } from "./template-render-error";
import { createTemplateRenderer } from "./template-renderer";
import type { TemplateSource, VersionedSource } from "./template-source";

let versions = 0;
function version(source: Partial<TemplateSource>, key?: string): VersionedSource {
  versions += 1;
  return {
    key: key ?? `tpl_${versions}@1`,
    source: { kind: "template", strict: true, ...source },
  };
}
function partial(html: string, extra: Partial<TemplateSource> = {}): VersionedSource {
  return version({ kind: "partial", html, ...extra });
}

function render(
  template: VersionedSource,
  data: Record<string, unknown>,
  partials: Record<string, VersionedSource> = {},
) {
  return createTemplateRenderer().render({
    template,
    partials: new Map(Object.entries(partials)),
    data,
  });
}

function failure(run: () => unknown): TemplateRenderError {
  try {
    run();
  } catch (error) {
    if (error instanceof TemplateRenderError) {
      return error;
    }
    throw error;
  }
  throw new Error("expected a TemplateRenderError");
}

describe("escaping", () => {
  it("escapes data in the HTML, not in the subject or the text part", () => {
    const rendered = render(
      version({ subject: "Hi {{name}}", html: "<p>{{name}}</p>", text: "Hi {{name}}" }),
      { name: "<script>x</script> & co" },
    );
    expect(rendered.html).toBe("<p>&lt;script&gt;x&lt;/script&gt; &amp; co</p>");
    expect(rendered.subject).toBe("Hi <script>x</script> & co");
    expect(rendered.text).toBe("Hi <script>x</script> & co");
  });

  it("prints triple-stashed data as it is", () => {
    const rendered = render(version({ subject: "s", html: "<div>{{{block}}}</div>" }), {
      block: "<b>bold</b>",
    });
    expect(rendered.html).toBe("<div><b>bold</b></div>");
  });
});

describe("missing variables", () => {
  const template = version({
    subject: "Order {{order.id}}",
    html: "<p>{{name}}</p>{{#if coupon}}<p>{{coupon.code}}</p>{{/if}}{{#each items}}<i>{{title}}</i>{{/each}}",
  });

  it("names every variable printed at the top level that the data lacks, in order", () => {
    const error = failure(() => render(template, { coupon: null }));
    expect(error.kind).toBe("missing_variables");
    expect(error.missing).toEqual(["order.id", "name", "items"]);
    expect(error.message).toBe("the data lacks variables the template uses: order.id, name, items");
  });

  it("renders when they are all there; what #if tests and block bodies use are optional", () => {
    const rendered = render(template, {
      order: { id: 7 },
      name: "Ann",
      items: [{ title: "a" }, {}],
    });
    expect(rendered.subject).toBe("Order 7");
    expect(rendered.html).toBe("<p>Ann</p><i>a</i><i></i>");
  });

  it("counts null as given, and a path through null as missing", () => {
    expect(render(version({ subject: "{{a}}" }), { a: null }).subject).toBe("");
    expect(failure(() => render(version({ subject: "{{a.b}}" }), { a: null })).missing).toEqual([
      "a.b",
    ]);
  });

  it("looks only at the data's own properties", () => {
    const error = failure(() => render(version({ subject: "{{constructor.name}}" }), {}));
    expect(error.missing).toEqual(["constructor.name"]);
  });

  it("checks the arguments of helpers and @root paths", () => {
    const error = failure(() =>
      render(version({ subject: "{{lookup table key}} {{@root.who}}" }), { table: {} }),
    );
    expect(error.missing).toEqual(["key", "who"]);
  });

  it("renders a lenient template with empty strings instead", () => {
    const rendered = render(version({ subject: "Hi {{name}}!", strict: false }), {});
    expect(rendered.subject).toBe("Hi !");
  });
});

describe("partials and layouts", () => {
  it("includes partials by name, and needs the variables of those rendered in its context", () => {
    const footer = partial("<footer>{{company}}</footer>");
    const card = partial("<b>{{label}}</b>");
    const template = version({
      subject: "s",
      html: "<main>{{> footer}}{{> card item}}</main>",
    });
    expect(failure(() => render(template, {}, { footer, card })).missing).toEqual([
      "item",
      "company",
    ]);
    // What a partial called with its own context prints is looked up there, not required here.
    expect(failure(() => render(template, { item: {} }, { footer, card })).missing).toEqual([
      "company",
    ]);
    expect(render(template, { company: "ACME", item: { label: "L" } }, { footer, card }).html).toBe(
      "<main><footer>ACME</footer><b>L</b></main>",
    );
  });

  it("wraps a template in a layout whose styles reach the template's own elements", () => {
    const layout = partial(
      '<style>p { color: red; } @media (max-width: 600px) { p { color: blue; } }</style><div class="frame">{{> @partial-block}}</div>',
    );
    const template = version({
      subject: "s",
      html: "{{#> layout}}<p>Hello {{name}}</p>{{/layout}}",
    });
    const html = render(template, { name: "Ann" }, { layout }).html ?? "";
    expect(html).toContain('<p style="color: red;">Hello Ann</p>');
    expect(html).toContain('<div class="frame">');
    // A media query cannot be inlined: it stays in a style block.
    expect(html).toMatch(/<style>\s*@media \(max-width: 600px\)/);
    // The body of a layout block renders in the template's context, so its variables count.
    expect(failure(() => render(template, {}, { layout })).missing).toEqual(["name"]);
  });

  it("reaches partials through partials", () => {
    const inner = partial("[{{x}}]");
    const outer = partial("<{{> inner}}>");
    const template = version({ subject: "s", html: "{{> outer}}" });
    expect(render(template, { x: 1 }, { outer, inner }).html).toBe("<[1]>");
    expect(failure(() => render(template, {}, { outer, inner })).missing).toEqual(["x"]);
  });

  it("names a partial that does not exist", () => {
    const error = failure(() => render(version({ subject: "s", html: "{{> nope}}" }), {}));
    expect(error.kind).toBe("missing_partial");
    expect(error.missing).toEqual(["nope"]);
  });

  it("stops partials that include each other without end", () => {
    const loop = partial("again {{> loop}}");
    const error = failure(() =>
      render(version({ subject: "s", html: "{{> loop}}", strict: false }), {}, { loop }),
    );
    expect(error.kind).toBe("render_failed");
    expect(error.message).toBe("the template's partials include each other without end");
  });
});

describe("CSS and the text part", () => {
  it("inlines the template's own style block and removes it", () => {
    const rendered = render(
      version({
        subject: "s",
        html: '<style>.btn { background: #06c; }</style><a class="btn" href="{{url}}">Go</a>',
      }),
      { url: "https://example.com/a?b=1&c=2" },
    );
    expect(rendered.html).toBe(
      '<a class="btn" href="https://example.com/a?b&#x3D;1&amp;c&#x3D;2" style="background: #06c;">Go</a>',
    );
  });

  it("leaves HTML without CSS byte for byte as written", () => {
    const html = "<p   data-x='1'>{{a}}</p>";
    expect(render(version({ subject: "s", html }), { a: "b" }).html).toBe("<p   data-x='1'>b</p>");
  });

  it("makes the text part from the HTML when the template has none, data unescaped", () => {
    const rendered = render(
      version({
        subject: "s",
        html: '<h1>Hello {{name}}</h1><p>Your code is <b>{{code}}</b>.</p><p><a href="{{url}}">Open</a></p><ul>{{#each items}}<li>{{this}}</li>{{/each}}</ul>',
      }),
      { name: "Ann & Bob", code: "<123>", url: "https://x.test/o", items: ["one", "two"] },
    );
    expect(rendered.text).toBe(
      "Hello Ann & Bob\n\nYour code is <123>.\n\nOpen [https://x.test/o]\n\n * one\n * two",
    );
  });

  it("uses the template's own text part when it has one", () => {
    const rendered = render(version({ subject: "s", html: "<p>{{a}}</p>", text: "A={{a}}" }), {
      a: "1",
    });
    expect(rendered.text).toBe("A=1");
  });

  it("has no HTML and no text when the template has neither", () => {
    expect(render(version({ subject: "only {{a}}" }), { a: 1 })).toEqual({
      subject: "only 1",
      html: undefined,
      text: undefined,
    });
  });
});

describe("the renderer", () => {
  it("compiles a version once: a key it has seen renders from its cache", () => {
    const renderer = createTemplateRenderer();
    const first = {
      key: "tpl_cache@1",
      source: { kind: "template", strict: true, subject: "one {{a}}" },
    } as const;
    const sameKey = { ...first, source: { ...first.source, subject: "two {{a}}" } };
    const next = { ...sameKey, key: "tpl_cache@2" };
    const partials = new Map<string, VersionedSource>();
    expect(renderer.render({ template: first, partials, data: { a: 1 } }).subject).toBe("one 1");
    expect(renderer.render({ template: sameKey, partials, data: { a: 2 } }).subject).toBe("one 2");
    expect(renderer.render({ template: next, partials, data: { a: 3 } }).subject).toBe("two 3");
  });

  it("drops the least recently used version beyond its bound", () => {
    const renderer = createTemplateRenderer({ maxCached: 1 });
    const partials = new Map<string, VersionedSource>();
    const a = { key: "a@1", source: { kind: "template", strict: true, subject: "A" } } as const;
    const b = { key: "b@1", source: { kind: "template", strict: true, subject: "B" } } as const;
    renderer.render({ template: a, partials, data: {} });
    renderer.render({ template: b, partials, data: {} });
    // a was dropped, so the same key compiles its (changed) source afresh.
    const changed = { ...a, source: { ...a.source, subject: "A2" } };
    expect(renderer.render({ template: changed, partials, data: {} }).subject).toBe("A2");
  });

  it("keeps template data out of the process output: the log helper prints nothing", () => {
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => {}),
    );
    try {
      expect(render(version({ subject: "a{{log secret}}b" }), { secret: "k" }).subject).toBe("ab");
      for (const spy of spies) {
        expect(spy).not.toHaveBeenCalled();
      }
    } finally {
      for (const spy of spies) {
        spy.mockRestore();
      }
    }
  });
});
