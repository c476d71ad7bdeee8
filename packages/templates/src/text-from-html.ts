import { convert, type HtmlToTextOptions } from "html-to-text";

const options: HtmlToTextOptions = {
  wordwrap: 80,
  selectors: [
    // Upper-casing would change the data printed in a heading too; keep the words as written.
    ...["h1", "h2", "h3", "h4", "h5", "h6"].map((selector) => ({
      selector,
      options: { uppercase: false },
    })),
    { selector: "a", options: { hideLinkHrefIfSameAsText: true } },
    { selector: "img", format: "skip" },
  ],
};

/** The text version of rendered HTML. */
export function textOfHtml(html: string): string {
  return convert(html, options);
}

const expressions = /\{\{!--[\s\S]*?--\}\}|\{\{\{[\s\S]*?\}\}\}|\{\{[\s\S]*?\}\}/g;
const marker = (index: number) => `mrtpl${index}x`;

/**
 * The text version of an HTML *source*, as a Handlebars source itself, so the conversion runs
 * once per version instead of once per message. Each `{{…}}` is swapped for a plain word while
 * html-to-text runs, then put back. Where the conversion drops or reorders an expression (one
 * placed where html-to-text keeps no text, such as between list items), the source cannot be
 * converted ahead: null, and the text is made from each rendered HTML instead.
 */
export function textSourceOfHtml(html: string): string | null {
  const found: string[] = [];
  const masked = html.replace(expressions, (expression) => {
    found.push(expression);
    return marker(found.length - 1);
  });
  const text = textOfHtml(masked);
  const order = [...text.matchAll(/mrtpl(\d+)x/g)].map((match) => Number(match[1]));
  if (order.length !== found.length || order.some((index, position) => index !== position)) {
    return null;
  }
  return text.replace(/mrtpl(\d+)x/g, (_, index: string) => found[Number(index)] ?? "");
}
