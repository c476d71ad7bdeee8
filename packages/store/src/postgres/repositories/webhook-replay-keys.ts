import type { ReplayClaim } from "@mailroute/core";
import type { PgClient } from "../pg-client";

// One statement decides and records: a new key is inserted; a held key is taken over only when
// its claim has expired or carries the same (non-null) body digest; otherwise no row changes.
// When two instances claim one key at once, the second insert waits for the first to commit and
// then meets its row, so only one of two different bodies is ever let through.
const claimSql = `insert into webhook_replay_keys (provider, key, body_digest, expires_at)
values ($1, $2, $3, $4)
on conflict (provider, key) do update set
  body_digest = excluded.body_digest,
  expires_at = excluded.expires_at
where webhook_replay_keys.expires_at <= $5
  or webhook_replay_keys.body_digest = excluded.body_digest`;

// A few expired claims go with each new one, found through the expiry index: the table stays
// as small as the tolerance window without a sweep. Rows another instance is pruning or taking
// over right now are skipped rather than waited for.
const pruneSql = `delete from webhook_replay_keys where (provider, key) in (
  select provider, key from webhook_replay_keys where expires_at <= $1
  order by expires_at limit 8 for update skip locked
)`;

/** Records a replay claim; false when the key is held, unexpired, with another body digest. */
export async function claimWebhookReplayKey(
  client: PgClient,
  input: ReplayClaim & { provider: string; now: Date },
): Promise<boolean> {
  const now = input.now.getTime();
  await client.query({ name: "mailroute_replay_keys_prune", text: pruneSql, values: [now] });
  const result = await client.query({
    name: "mailroute_replay_keys_claim",
    text: claimSql,
    values: [input.provider, input.key, input.bodyDigest, input.expiresAt.getTime(), now],
  });
  return (result.rowCount ?? 0) > 0;
}
