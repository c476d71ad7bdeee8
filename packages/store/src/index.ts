export { migrateSqlite } from "./migrate-sqlite";
export {
  migrationsFolder,
  openDatabase,
  type SqliteDatabase,
  type SqliteOptions,
} from "./open-database";
export {
  createPostgresCoordination,
  type PostgresCoordination,
  type PostgresCoordinationOptions,
} from "./postgres/coordination";
export { migratePostgres, postgresMigrationsFolder } from "./postgres/migrate";
export type { PgClient } from "./postgres/pg-client";
export {
  createPostgresStore,
  type PostgresStore,
  type PostgresStoreOptions,
} from "./postgres/postgres-store";
export { createSqliteStore, type SqliteStore } from "./sqlite-store";
