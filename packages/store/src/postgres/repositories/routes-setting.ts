import { eq } from "drizzle-orm";
import type { PgClient } from "../pg-client";
import { settings } from "../schema/index";
import { queryBuilder } from "./query-builder";

const routesKey = "routes";

/** Routes saved through the API, or null. */
export async function loadRoutes(
  client: PgClient,
): Promise<{ routes: unknown; updatedAt: string } | null> {
  const [row] = await queryBuilder(client)
    .select()
    .from(settings)
    .where(eq(settings.key, routesKey));
  return row
    ? { routes: JSON.parse(row.value) as unknown, updatedAt: new Date(row.updatedAt).toISOString() }
    : null;
}

/** Saves the routes (already validated by the caller); the last save wins. */
export async function saveRoutes(client: PgClient, routes: unknown, at: Date): Promise<void> {
  const value = JSON.stringify(routes);
  await queryBuilder(client)
    .insert(settings)
    .values({ key: routesKey, value, updatedAt: at.getTime() })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: at.getTime() } });
}
