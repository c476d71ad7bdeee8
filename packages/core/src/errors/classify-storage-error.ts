/**
 * Why the database refused a write, when it is a refusal that passes by itself: `full` (the disk
 * or the database's space is exhausted) or `unavailable` (read-only, an I/O error, the connection
 * lost, the server out of resources or shutting down). A caller answers 503 with Retry-After, and
 * the same write succeeds again once space or the connection is back.
 */
export type StorageFailure = "full" | "unavailable";

// SQLite's primary codes (better-sqlite3 reports extended ones, SQLITE_IOERR_WRITE, by prefix),
// Node's errno codes from the fsync the SQLite store runs, and PostgreSQL's SQLSTATEs.
const fullCodes = new Set([
  "SQLITE_FULL",
  "ENOSPC",
  "EDQUOT",
  // disk_full
  "53100",
]);

const unavailablePrefixes = ["SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_BUSY", "SQLITE_CANTOPEN"];

const unavailableCodes = new Set([
  "EIO",
  "EROFS",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  // insufficient_resources, out_of_memory, too_many_connections
  "53000",
  "53200",
  "53300",
  // admin_shutdown, crash_shutdown, cannot_connect_now
  "57P01",
  "57P02",
  "57P03",
  // read_only_sql_transaction (a standby, or default_transaction_read_only)
  "25006",
]);

// node-postgres raises these without a code when a connection drops or cannot be had in time.
const unavailableMessages = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error and is not queryable/,
];

function classifyOne(error: object): StorageFailure | null {
  const code = "code" in error && typeof error.code === "string" ? error.code : null;
  if (code !== null) {
    if (fullCodes.has(code)) {
      return "full";
    }
    // Class 08: connection exceptions.
    if (
      unavailableCodes.has(code) ||
      /^08[0-9A-Z]{3}$/.test(code) ||
      unavailablePrefixes.some((prefix) => code === prefix || code.startsWith(`${prefix}_`))
    ) {
      return "unavailable";
    }
  }
  const message = error instanceof Error ? error.message : null;
  if (message !== null && unavailableMessages.some((pattern) => pattern.test(message))) {
    return "unavailable";
  }
  return null;
}

/**
 * Whether `error` (or one of its causes) is the database refusing a write for want of space or of
 * a working connection; null for any other error, which stays a 500.
 */
export function classifyStorageError(error: unknown): StorageFailure | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === "object"; depth += 1) {
    const failure = classifyOne(current);
    if (failure) {
      return failure;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}
