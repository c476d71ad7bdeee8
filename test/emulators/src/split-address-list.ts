/**
 * Splits a comma-separated address list the way a mail parser does: commas inside a quoted
 * display name (`"Doe, Jane" <jane@example.com>`) or inside angle brackets do not split.
 */
export function splitAddressList(value: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  let angled = false;
  for (let index = 0; index < value.length; index += 1) {
    const character = value[index];
    if (character === "\\" && quoted) {
      current += character + (value[index + 1] ?? "");
      index += 1;
      continue;
    }
    if (character === '"') {
      quoted = !quoted;
    } else if (character === "<" && !quoted) {
      angled = true;
    } else if (character === ">" && !quoted) {
      angled = false;
    } else if (character === "," && !quoted && !angled) {
      parts.push(current);
      current = "";
      continue;
    }
    current += character;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}
