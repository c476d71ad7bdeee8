import pg from "pg";

/**
 * How values come back from raw queries: `bigint` columns (every timestamp, `seq`) and counts
 * as JavaScript numbers, like SQLite gives them. Millisecond timestamps and row counts stay far
 * below 2^53.
 */
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === pg.types.builtins.INT8 && format !== "binary") {
      return (value: string) => Number(value);
    }
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

/** Settings of a connection pool on the store's database. */
export interface PoolOptions {
  url: string;
  /** Connections at most; 10 unless given. */
  size?: number | undefined;
  /** Shown in `pg_stat_activity`. */
  applicationName?: string | undefined;
}

/**
 * A pool whose every connection commits durably: `synchronous_commit = on` is set for each
 * session, whatever the server's default, so a COMMIT returns only once its WAL is flushed to
 * disk and an acknowledged message survives a crash of the database server.
 */
export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.size ?? 10,
    application_name: options.applicationName ?? "mailroute",
    options: "-c synchronous_commit=on",
    types,
  });
  // An idle connection the server dropped is an error event on the pool; the pool discards it
  // and opens another when needed. Without a listener Node would end the process.
  pool.on("error", () => undefined);
  // The same for a connection lost while checked out: the query under way rejects with the
  // error, which is what its caller sees; the unhandled event would otherwise end the process.
  pool.on("connect", (client) => {
    client.on("error", () => undefined);
  });
  return pool;
}

/**
 * The URL without its password, for messages and logs.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      parsed.password = "***";
    }
    return parsed.toString();
  } catch {
    return "(an unparsable database URL)";
  }
}
