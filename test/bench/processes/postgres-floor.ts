// The PostgreSQL storage floor of a durable accept: the rows POST /v1/messages stores for the
// bench's body (the message with its payload, 3 recipients, a tag, 3 `queued` events, the job),
// written with raw prepared statements and precomputed values into mailroute's own schema (a
// database migrated by migratePostgres), `batch` messages per transaction with one multi-row
// statement per table, committed with synchronous_commit = on, on one connection. No HTTP, no
// validation, no JavaScript of mailroute's: what any server storing these rows pays at least.
import { newId } from "@mailroute/core";
import { migratePostgres } from "@mailroute/store";
import pg from "pg";
import { childArgument, serveCommands } from "../support/child";
import { sendBody } from "../support/message-body";

export interface PostgresFloorCommand {
  seconds: number;
  batch: number;
}

export interface PostgresFloorResult {
  messages: number;
  perSecond: number;
  cpuMicrosPerMessage: number;
}

const { url } = childArgument<{ url: string }>();
await migratePostgres(url);
const client = new pg.Client({ connectionString: url, options: "-c synchronous_commit=on" });
await client.connect();

const body = sendBody();
const payload = JSON.stringify(body);
const envelope = JSON.stringify({
  from: body.from,
  to: body.to,
  tags: body.tags,
  metadata: body.metadata,
});
const recipients = ["jane.doe@example.com", "john.roe@example.com", "ops@example.org"];
const tags = JSON.stringify(body.tags);
const metadata = JSON.stringify(body.metadata);
const subject = String(body.subject);

const statements = {
  messages: {
    name: "floor_messages",
    text: "insert into messages (id, status, from_email, subject, envelope, payload, send_at, created_at, updated_at) select id, 'queued', 'orders@acme.test', $2, $3, $4, at, at, at from unnest($1::text[], $5::bigint[]) as t(id, at)",
  },
  recipients: {
    name: "floor_recipients",
    text: "insert into recipients (message_id, email, kind, status, updated_at) select message_id, email, 'to', 'queued', at from unnest($1::text[], $2::text[], $3::bigint[]) as t(message_id, email, at)",
  },
  tags: {
    name: "floor_tags",
    text: "insert into message_tags (message_id, tag) select message_id, 'receipt' from unnest($1::text[]) as t(message_id)",
  },
  events: {
    name: "floor_events",
    text: "insert into delivery_events (id, message_id, provider, provider_type, type, recipient, occurred_at, received_at, tags, metadata) select id, message_id, 'mailroute', 'mailroute', 'queued', recipient, at, at, $4, $5 from unnest($1::text[], $2::text[], $3::text[], $6::bigint[]) as t(id, message_id, recipient, at)",
  },
  jobs: {
    name: "floor_jobs",
    text: "insert into jobs (id, message_id, run_at, created_at) select id, message_id, at, at from unnest($1::text[], $2::text[], $3::bigint[]) as t(id, message_id, at)",
  },
};

async function storeBatch(count: number): Promise<void> {
  const now = Date.now();
  const ids = Array.from({ length: count }, () => newId("msg", now));
  const times = ids.map(() => now);
  const perRecipient = ids.flatMap((id) => recipients.map(() => id));
  const recipientEmails = ids.flatMap(() => recipients);
  const recipientTimes = perRecipient.map(() => now);
  await client.query("begin");
  try {
    await client.query({
      ...statements.messages,
      values: [ids, subject, envelope, payload, times],
    });
    await client.query({
      ...statements.recipients,
      values: [perRecipient, recipientEmails, recipientTimes],
    });
    await client.query({ ...statements.tags, values: [ids] });
    await client.query({
      ...statements.events,
      values: [
        perRecipient.map(() => newId("evt", now)),
        perRecipient,
        recipientEmails,
        tags,
        metadata,
        recipientTimes,
      ],
    });
    await client.query({
      ...statements.jobs,
      values: [ids.map((id) => `job_${id.slice(4)}`), ids, times],
    });
    await client.query("commit");
  } catch (error) {
    await client.query("rollback");
    throw error;
  }
}

serveCommands({}, async (command: PostgresFloorCommand): Promise<PostgresFloorResult> => {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let messages = 0;
  while (performance.now() - started < command.seconds * 1000) {
    await storeBatch(command.batch);
    messages += command.batch;
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    messages,
    perSecond: (messages * 1000) / wallMs,
    cpuMicrosPerMessage: (cpu.user + cpu.system) / messages,
  };
});

process.on("SIGTERM", () => {
  client.end().finally(() => process.exit(0));
});
