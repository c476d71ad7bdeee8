import type { ReplayClaim } from "@mailroute/core";
import type { SqliteDatabase } from "../open-database";
import { prepared } from "./prepared";

// One statement decides and records: a new key is inserted; a held key is taken over only when
// its claim has expired or carries the same (non-null) body digest. `changes` is 0 otherwise.
const claimSql = `insert into webhook_replay_keys (provider, key, body_digest, expires_at)
values (?, ?, ?, ?)
on conflict (provider, key) do update set
  body_digest = excluded.body_digest,
  expires_at = excluded.expires_at
where webhook_replay_keys.expires_at <= ?
  or webhook_replay_keys.body_digest = excluded.body_digest`;

// A few expired claims go with each new one, found through the expiry index: the table stays
// as small as the tolerance window without a sweep that would hold the write lock for long.
const pruneSql = `delete from webhook_replay_keys where rowid in (
  select rowid from webhook_replay_keys where expires_at <= ? order by expires_at limit 8
)`;

/** Records a replay claim; false when the key is held, unexpired, with another body digest. */
export function claimWebhookReplayKey(
  db: SqliteDatabase,
  input: ReplayClaim & { provider: string; now: Date },
): boolean {
  const now = input.now.getTime();
  prepared(db, pruneSql).run(now);
  const { changes } = prepared(db, claimSql).run(
    input.provider,
    input.key,
    input.bodyDigest,
    input.expiresAt.getTime(),
    now,
  );
  return changes > 0;
}
