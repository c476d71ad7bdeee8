import {
  createPostgresStore,
  createSqliteStore,
  migratePostgres,
  migrateSqlite,
} from "@mailroute/store";
import { loadConfig, type MailrouteConfig } from "../config";
import { type DatabaseTarget, describeDatabase, errorDetail, selectDatabase } from "../database";
import { parseEnvironment } from "../env";
import type { ServerStore } from "../open-store";

/** The database the server would use here: the same environment and configuration file. */
export function configuredDatabase(variables: Record<string, string | undefined> = process.env): {
  target: DatabaseTarget;
  config: MailrouteConfig;
} {
  const environment = parseEnvironment(variables);
  const { config } = loadConfig(environment.MAILROUTE_CONFIG, variables);
  return { target: selectDatabase(config.database, environment), config };
}

/** Opens the configured database as the server does (migrating it unless told not to). */
export async function openConfiguredStore(): Promise<ServerStore> {
  const { target, config } = configuredDatabase();
  if (target.kind === "sqlite") {
    return createSqliteStore({ path: target.path });
  }
  return createPostgresStore({
    url: target.url,
    migrate: config.postgres.migrateOnStart,
    ...(config.postgres.poolSize === undefined ? {} : { poolSize: config.postgres.poolSize }),
  });
}

/** Applies the configured database's pending migrations; returns what it did, in words. */
export async function migrateConfiguredDatabase(
  variables: Record<string, string | undefined> = process.env,
): Promise<{ database: string; applied: number }> {
  const { target } = configuredDatabase(variables);
  const database = describeDatabase(target);
  try {
    const { applied } =
      target.kind === "sqlite" ? migrateSqlite(target.path) : await migratePostgres(target.url);
    return { database, applied };
  } catch (error) {
    const detail =
      target.kind === "sqlite" ? errorDetail(error, "") : errorDetail(error, target.url);
    throw new Error(`cannot migrate ${database}: ${detail}`, { cause: error });
  }
}
