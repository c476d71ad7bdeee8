import type { PgClient } from "../pg-client";

// A settings row of its own: overwritten in place, so the probe never grows the database.
const heartbeatSql = `insert into settings (key, value, updated_at) values ('heartbeat', '{}', $1)
on conflict (key) do update set updated_at = excluded.updated_at`;

/** Upserts the heartbeat row: a real write, for probes that must prove writes work. */
export async function writeHeartbeat(client: PgClient, at: Date): Promise<void> {
  await client.query({ name: "heartbeat", text: heartbeatSql, values: [at.getTime()] });
}
