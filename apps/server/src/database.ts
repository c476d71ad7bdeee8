/** The database a mailroute keeps everything in: the embedded SQLite file, or a PostgreSQL server. */
export type DatabaseTarget = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };

const postgresScheme = /^postgres(ql)?:\/\//i;
const anyScheme = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * Why `value` names no database mailroute can open, or null when it is a `postgres://` /
 * `postgresql://` URL or a SQLite file path. Never repeats the value: a URL may hold a password.
 */
export function databaseProblem(value: string): string | null {
  if (postgresScheme.test(value)) {
    return URL.canParse(value)
      ? null
      : "is not a valid PostgreSQL URL (postgres://user:password@host:5432/database)";
  }
  const scheme = anyScheme.exec(value)?.[1];
  if (scheme) {
    return `a ${scheme}:// URL is not a database mailroute can use: give a postgres:// URL or the path of a SQLite file`;
  }
  return null;
}

/** Reads a `database` value (already checked by {@link databaseProblem}) as a target. */
export function parseDatabaseTarget(value: string): DatabaseTarget {
  return postgresScheme.test(value)
    ? { kind: "postgres", url: value }
    : { kind: "sqlite", path: value };
}

/**
 * The database to use: `MAILROUTE_DATABASE` (a path or a URL), else `DATABASE_URL` (a URL, as
 * hosting platforms set it), else the configuration's `database` (by default the SQLite file).
 */
export function selectDatabase(
  configured: string,
  environment: { MAILROUTE_DATABASE?: string | undefined; DATABASE_URL?: string | undefined },
): DatabaseTarget {
  return parseDatabaseTarget(
    environment.MAILROUTE_DATABASE || environment.DATABASE_URL || configured,
  );
}

/** The URL with its password replaced by `***`, fit for a banner or a log line. */
export function redactDatabaseUrl(url: string): string {
  if (!URL.canParse(url)) {
    return "(an unreadable URL)";
  }
  const parsed = new URL(url);
  if (parsed.password !== "") {
    parsed.password = "***";
  }
  // `password=` in the query string is a second place libpq (and pg) read a password from.
  for (const name of [...parsed.searchParams.keys()]) {
    if (name.toLowerCase() === "password") {
      parsed.searchParams.set(name, "***");
    }
  }
  return parsed.toString();
}

/** How the banner and the logs name the database: `SQLite ./data/mailroute.db`, `PostgreSQL postgres://…`. */
export function describeDatabase(target: DatabaseTarget): string {
  return target.kind === "sqlite"
    ? `SQLite ${target.path}`
    : `PostgreSQL ${redactDatabaseUrl(target.url)}`;
}

/** `text` with every appearance of the URL's password (raw or percent-encoded) replaced by `***`. */
export function scrubPassword(text: string, url: string): string {
  if (!URL.canParse(url)) {
    return text;
  }
  const parsed = new URL(url);
  const secrets = [parsed.password, parsed.searchParams.get("password") ?? ""]
    .flatMap((secret) => (secret === "" ? [] : [secret, safeDecode(secret)]))
    .filter((secret) => secret.length > 0)
    .sort((a, b) => b.length - a.length);
  let scrubbed = text.split(url).join(redactDatabaseUrl(url));
  for (const secret of secrets) {
    scrubbed = scrubbed.split(secret).join("***");
  }
  return scrubbed;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** An error's message and its causes', joined, with the URL's password scrubbed from all of them. */
export function errorDetail(error: unknown, url: string): string {
  const parts: string[] = [];
  for (let cause: unknown = error; cause !== undefined && parts.length < 4; ) {
    parts.push(cause instanceof Error ? cause.message : String(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return scrubPassword(parts.filter((part) => part !== "").join(": "), url);
}
