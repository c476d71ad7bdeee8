import {
  MailrouteError,
  type MailStore,
  type TemplateStore,
  type WebhookOutboxStore,
} from "@mailroute/core";
import { createPostgresStore, createSqliteStore, migratePostgres } from "@mailroute/store";
import type { Logger } from "pino";
import type { MailrouteConfig } from "./config";
import { type DatabaseTarget, describeDatabase, errorDetail } from "./database";

/** What the server runs on, whichever database holds it. */
export type ServerStore = MailStore & WebhookOutboxStore & TemplateStore;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Opens the database and proves it takes a write, so a server that could not store a message
 * never starts (a read-only file, or a PostgreSQL that refuses writes, would otherwise answer
 * reads, look ready, and fail every send).
 */
export async function openWritableStore(
  target: DatabaseTarget,
  config: Pick<MailrouteConfig, "synchronous" | "postgres">,
  logger: Logger,
): Promise<ServerStore> {
  const store =
    target.kind === "sqlite"
      ? openSqlite(target.path, config.synchronous)
      : await openPostgres(target.url, config.postgres, logger);
  try {
    await store.writeHeartbeat(new Date());
  } catch (error) {
    await store.close();
    throw cannotWrite(target, error);
  }
  return store;
}

function openSqlite(path: string, synchronous: MailrouteConfig["synchronous"]): ServerStore {
  try {
    return createSqliteStore({ path, synchronous });
  } catch (error) {
    throw cannotWrite({ kind: "sqlite", path }, error);
  }
}

async function openPostgres(
  url: string,
  settings: MailrouteConfig["postgres"],
  logger: Logger,
): Promise<ServerStore> {
  const target: DatabaseTarget = { kind: "postgres", url };
  try {
    if (settings.migrateOnStart) {
      const { applied } = await migratePostgres(url);
      logger.info(
        { database: describeDatabase(target), applied },
        applied === 0 ? "database schema is up to date" : `applied ${applied} migrations`,
      );
    }
    return await createPostgresStore({
      url,
      migrate: false,
      ...(settings.poolSize === undefined ? {} : { poolSize: settings.poolSize }),
    });
  } catch (error) {
    throw new MailrouteError(
      "CONFIG_ERROR",
      `cannot open ${describeDatabase(target)} (${errorDetail(error, url)}). ${postgresHint(error)}`,
      { cause: error },
    );
  }
}

function cannotWrite(target: DatabaseTarget, error: unknown): MailrouteError {
  if (target.kind === "sqlite") {
    return new MailrouteError(
      "CONFIG_ERROR",
      `the database ${target.path} cannot be written (${messageOf(error)}). ` +
        "Make the file, its -wal and -shm files and their folder writable by this user and check the disk has room, " +
        "or point MAILROUTE_DATABASE (or `database` in the configuration) at a writable file.",
      { cause: error },
    );
  }
  return new MailrouteError(
    "CONFIG_ERROR",
    `${describeDatabase(target)} cannot be written (${errorDetail(error, target.url)}). ${postgresHint(error)}`,
    { cause: error },
  );
}

/** What to check, from the PostgreSQL error code (or the connection error's) of `error` or its causes. */
function postgresHint(error: unknown): string {
  const codes: string[] = [];
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string") {
      codes.push(code);
    }
  }
  if (codes.includes("42P01")) {
    return "Its tables do not exist: run `mailroute migrate`, or leave postgres.migrateOnStart on.";
  }
  if (codes.includes("25006")) {
    return "It is read-only (a standby, or default_transaction_read_only): point mailroute at the primary.";
  }
  if (codes.some((code) => code === "53100" || code === "53200")) {
    return "The database server is out of disk space or memory.";
  }
  return (
    "Check that the server runs, that the URL's host, port, user, password and database are right, " +
    "and that the user may create and write tables in it."
  );
}
