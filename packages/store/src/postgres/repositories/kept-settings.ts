import type { PgClient } from "../pg-client";

/**
 * Keeps `value` under `key` unless a value is kept there already, and returns the kept one: the
 * first writer wins, so every instance sharing the database ends up with the same value.
 *
 * One statement decides and answers. When another instance's insert of the key is still
 * uncommitted, this one waits for it; `do update` then locks the committed row and returns its
 * value unchanged (a plain `do nothing` and a second read could miss a value committed between
 * the two).
 */
export async function keepSetting(
  client: PgClient,
  key: string,
  value: string,
  at: Date,
): Promise<string> {
  const result = await client.query<{ value: string }>({
    name: "mailroute_settings_keep",
    text: `insert into settings (key, value, updated_at) values ($1, $2, $3)
on conflict (key) do update set value = settings.value
returning value`,
    values: [key, value, at.getTime()],
  });
  return result.rows[0]?.value ?? value;
}
