import juice from "juice";

const styleBlocks = /<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi;

/** The CSS of a source's `<style>` blocks, concatenated. */
export function styleSheetsOf(html: string): string {
  let css = "";
  for (const match of html.matchAll(styleBlocks)) {
    css += `${match[1] ?? ""}\n`;
  }
  return css;
}

/**
 * Inlines CSS into an HTML source before it is compiled: its own `<style>` blocks plus `sharedCss`
 * (the other sources' styles: a layout's rules reach the template's elements and the other way
 * round). Handlebars expressions pass through untouched (juice keeps `{{…}}` as code blocks and
 * parses with htmlparser2, which moves nothing). Media queries and font faces stay in a `<style>`
 * block, since they cannot be inlined. A source without any CSS is returned as it is.
 */
export function inlineCss(html: string, sharedCss: string): string {
  if (sharedCss.trim() === "" && styleSheetsOf(html).trim() === "") {
    return html;
  }
  return juice(html, {
    extraCss: sharedCss,
    removeStyleTags: true,
    preserveMediaQueries: true,
    preserveFontFaces: true,
    preserveImportant: true,
  });
}
