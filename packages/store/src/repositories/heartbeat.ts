import type { SqliteDatabase } from "../open-database";
import { prepared } from "./prepared";

// A settings row of its own: overwritten in place, so the probe never grows the database.
const heartbeatSql = `insert into settings (key, value, updated_at) values ('heartbeat', '{}', ?)
on conflict (key) do update set updated_at = excluded.updated_at`;

/** Upserts the heartbeat row: a real write, for probes that must prove writes work. */
export function writeHeartbeat(db: SqliteDatabase, at: Date): void {
  prepared(db, heartbeatSql).run(at.getTime());
}
