import { type AcceptMessageInput, type EmailMessage, newId } from "@mailroute/core";
import { claimAndStartAttempt } from "../testing";
import type { ContractStore } from "./contract-store";

/** A message with a recipient of each kind (one repeated in another case), tags, metadata and an attachment. */
export function message(overrides: Partial<EmailMessage> = {}, at = Date.now()): EmailMessage {
  return {
    id: newId("msg", at),
    from: { email: "Sender@Acme.test", name: "Acme" },
    to: [{ email: "User@Example.com" }],
    cc: [{ email: "cc@example.com" }],
    bcc: [{ email: "user@example.com" }],
    replyTo: [],
    subject: "Hello",
    text: "Hi",
    attachments: [{ filename: "a.txt", content: "aGVsbG8=" }],
    headers: {},
    tags: ["welcome"],
    metadata: { tenant: "acme" },
    ...overrides,
  };
}

/** Accepts a message now, due at once, answering with its id. */
export function accept(
  store: ContractStore,
  value: EmailMessage,
  extra: Partial<AcceptMessageInput> = {},
) {
  const at = new Date();
  return store.acceptMessage({
    message: value,
    acceptedAt: at,
    runAt: at,
    response: { status: 202, body: { id: value.id, status: "queued" } },
    ...extra,
  });
}

/** A message whose worker "w1" claimed it and started an attempt at "capture", then died. */
export async function attemptLeftInFlight(store: ContractStore) {
  const value = message();
  await accept(store, value);
  const now = new Date();
  const { job, attemptId } = await claimAndStartAttempt(store, {
    owner: "w1",
    provider: "capture",
    now,
  });
  return { value, now, attemptId, job };
}
