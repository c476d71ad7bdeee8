export { migrateSqlite } from "./migrate-sqlite";
export {
  migrationsFolder,
  openDatabase,
  type SqliteDatabase,
  type SqliteOptions,
} from "./open-database";
export { createSqliteStore, type SqliteStore } from "./sqlite-store";
