/**
 * True when `value` is one line of text: no control characters (NUL, CR, LF, ESC, DEL…), which
 * would end a header early, hide text or be cut at NUL by the next program. A tab is allowed.
 */
export function isOneLine(value: string): boolean {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) {
      return false;
    }
  }
  return true;
}
