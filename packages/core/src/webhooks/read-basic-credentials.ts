/** The user name and password of an HTTP Basic credential. */
export interface BasicCredentials {
  /** The user id, everything before the first colon. */
  username: string;
  /** Everything after the first colon. */
  password: string;
}

// RFC 7617: the scheme, one or more spaces, then the base64 of `user-id:password`.
const basicPattern = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads the credentials of a `Basic` Authorization header; null when it carries none (another
 * scheme, text that is not base64, bytes that are not UTF-8, or no colon). The password is
 * everything after the first colon, so it may contain colons itself.
 */
export function readBasicCredentials(authorization: string | undefined): BasicCredentials | null {
  const match = basicPattern.exec(authorization ?? "");
  if (!match?.[1]) {
    return null;
  }
  let text: string;
  try {
    text = utf8.decode(Uint8Array.from(atob(match[1]), (character) => character.charCodeAt(0)));
  } catch {
    // Not base64 or not UTF-8 after all: treated as absent credentials.
    return null;
  }
  const colon = text.indexOf(":");
  return colon < 0 ? null : { username: text.slice(0, colon), password: text.slice(colon + 1) };
}
