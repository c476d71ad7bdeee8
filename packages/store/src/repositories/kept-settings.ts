import { eq } from "drizzle-orm";
import type { SqliteDatabase } from "../open-database";
import { settings } from "../schema/index";

/**
 * Keeps `value` under `key` unless a value is kept there already, and returns the kept one: the
 * first writer wins, so every instance sharing the database ends up with the same value.
 */
export function keepSetting(db: SqliteDatabase, key: string, value: string, at: Date): string {
  db.insert(settings)
    .values({ key, value, updatedAt: at.getTime() })
    .onConflictDoNothing({ target: settings.key })
    .run();
  const row = db
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, key))
    .get();
  return row?.value ?? value;
}
