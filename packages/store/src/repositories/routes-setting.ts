import { eq } from "drizzle-orm";
import type { SqliteDatabase } from "../open-database";
import { settings } from "../schema/index";

const routesKey = "routes";

/** Routes saved through the API, or null. */
export function loadRoutes(db: SqliteDatabase): { routes: unknown; updatedAt: string } | null {
  const row = db.select().from(settings).where(eq(settings.key, routesKey)).get();
  return row
    ? { routes: JSON.parse(row.value) as unknown, updatedAt: new Date(row.updatedAt).toISOString() }
    : null;
}

/** Saves the routes (already validated by the caller). */
export function saveRoutes(db: SqliteDatabase, routes: unknown, at: Date): void {
  const value = JSON.stringify(routes);
  db.insert(settings)
    .values({ key: routesKey, value, updatedAt: at.getTime() })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: at.getTime() } })
    .run();
}
