import { type AcceptMessageInput, type AcceptOutcome, recipientsOf } from "@mailroute/core";
import { and, eq } from "drizzle-orm";
import type { SqliteDatabase } from "../open-database";
import {
  deliveryEvents,
  idempotencyKeys,
  jobs,
  messages,
  messageTags,
  recipients,
} from "../schema/index";
import { dispatchEventRows } from "./event-rows";

function recipientRows(input: AcceptMessageInput) {
  const { message } = input;
  const at = input.acceptedAt.getTime();
  const seen = new Set<string>();
  const rows: (typeof recipients.$inferInsert)[] = [];
  for (const [kind, list] of [
    ["to", message.to],
    ["cc", message.cc],
    ["bcc", message.bcc],
  ] as const) {
    for (const address of list) {
      const email = address.email.toLowerCase();
      if (!seen.has(email)) {
        seen.add(email);
        rows.push({ messageId: message.id, email, kind, status: "queued", updatedAt: at });
      }
    }
  }
  return rows;
}

/**
 * Stores a message, its recipients, tags, `queued` events, dispatch job and idempotency key in
 * one IMMEDIATE transaction, or answers from an earlier request with the same key.
 */
export function acceptMessage(db: SqliteDatabase, input: AcceptMessageInput): AcceptOutcome {
  return db.transaction(
    (tx): AcceptOutcome => {
      const { message, idempotency } = input;
      const now = input.acceptedAt.getTime();
      if (idempotency) {
        const where = and(
          eq(idempotencyKeys.scope, idempotency.scope),
          eq(idempotencyKeys.key, idempotency.key),
        );
        const existing = tx.select().from(idempotencyKeys).where(where).get();
        if (existing && existing.expiresAt > now) {
          if (existing.requestHash !== idempotency.requestHash) {
            return { kind: "key_reused" };
          }
          return {
            kind: "replay",
            response: {
              status: existing.responseStatus,
              body: JSON.parse(existing.responseBody) as unknown,
            },
          };
        }
        if (existing) {
          tx.delete(idempotencyKeys).where(where).run();
        }
        tx.insert(idempotencyKeys)
          .values({
            scope: idempotency.scope,
            key: idempotency.key,
            requestHash: idempotency.requestHash,
            responseStatus: input.response.status,
            responseBody: JSON.stringify(input.response.body),
            createdAt: now,
            expiresAt: idempotency.expiresAt.getTime(),
          })
          .run();
      }
      tx.insert(messages)
        .values({
          id: message.id,
          status: "queued",
          fromEmail: message.from.email.toLowerCase(),
          subject: message.subject,
          envelope: JSON.stringify({
            from: message.from,
            to: message.to,
            tags: message.tags,
            metadata: message.metadata,
          }),
          payload: JSON.stringify(message),
          sendAt: message.sendAt ? Date.parse(message.sendAt) : null,
          createdAt: now,
          updatedAt: now,
        })
        .run();
      tx.insert(recipients).values(recipientRows(input)).run();
      if (message.tags.length > 0) {
        const tags = [...new Set(message.tags)].map((tag) => ({ messageId: message.id, tag }));
        tx.insert(messageTags).values(tags).run();
      }
      tx.insert(deliveryEvents)
        .values(
          dispatchEventRows({
            messageId: message.id,
            recipients: recipientsOf(message),
            type: "queued",
            at: input.acceptedAt,
            tags: message.tags,
            metadata: message.metadata,
          }),
        )
        .run();
      tx.insert(jobs)
        .values({
          id: `job_${message.id.slice(4)}`,
          messageId: message.id,
          runAt: input.runAt.getTime(),
          createdAt: now,
        })
        .run();
      return { kind: "accepted" };
    },
    { behavior: "immediate" },
  );
}
