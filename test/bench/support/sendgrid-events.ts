import type { LoggedMessage } from "./message-log";

/** One SendGrid Event Webhook item, as SendGrid posts it. */
export type SendGridEventItem = Record<string, string | number | string[]>;

const kinds = ["delivered", "open", "click"] as const;
const mailrouteTypes: Record<(typeof kinds)[number], string> = {
  delivered: "delivered",
  open: "opened",
  click: "clicked",
};

/**
 * Batch number `batch` of `size` events: each recipient of each message in turn gets delivered,
 * open and click, so most events move a recipient's status forward. Deterministic, so the
 * server and the raw-SQLite baseline store the same rows.
 */
export function sendGridEventBatch(
  messages: readonly LoggedMessage[],
  batch: number,
  size: number,
  startSeconds: number,
): SendGridEventItem[] {
  const events: SendGridEventItem[] = [];
  for (let index = 0; index < size; index += 1) {
    const global = batch * size + index;
    const pair = Math.floor(global / kinds.length);
    const kind = kinds[global % kinds.length] ?? "delivered";
    const message = messages[Math.floor(pair / 3) % messages.length] as LoggedMessage;
    const recipient = message.recipients[pair % message.recipients.length] as string;
    const event: SendGridEventItem = {
      email: recipient,
      timestamp: startSeconds + (global % kinds.length),
      event: kind,
      sg_event_id: `bench-event-${global}`,
      sg_message_id: `${message.providerMessageId}.filterdrecv-bench-${global}`,
      "smtp-id": `<${message.providerMessageId}@bench.sendgrid.net>`,
      category: message.tags,
      mailroute_id: message.id,
    };
    if (kind === "delivered") {
      event.response = "250 2.0.0 OK";
    } else {
      event.useragent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64)";
      event.ip = "192.0.2.1";
    }
    if (kind === "click") {
      event.url = "https://acme.test/orders/A-100234";
    }
    events.push(event);
  }
  return events;
}

/** The `delivery_events` row the server stores for one item (its columns, in insert order). */
export function deliveryEventRow(
  event: SendGridEventItem,
  id: string,
  receivedAt: number,
): (string | number | null)[] {
  const kind = String(event.event) as (typeof kinds)[number];
  const delivered = kind === "delivered";
  const text = (value: unknown) => (typeof value === "string" ? value : null);
  return [
    id,
    String(event.mailroute_id),
    "sendgrid",
    "sendgrid",
    String(event.sg_message_id).split(".")[0] ?? null,
    String(event.sg_event_id),
    String(event.sg_event_id),
    mailrouteTypes[kind],
    null,
    String(event.email),
    Number(event.timestamp) * 1000,
    receivedAt,
    delivered ? "250 2.0.0 OK" : null,
    delivered ? 250 : null,
    delivered ? "2.0.0" : null,
    text(event.url),
    text(event.useragent),
    JSON.stringify(event.category),
    JSON.stringify({}),
    JSON.stringify(event),
  ];
}

/** The insert the baseline runs for each row of {@link deliveryEventRow}. */
export const insertDeliveryEventSql = `insert into delivery_events (id, message_id, provider,
  provider_type, provider_message_id, provider_event_id, dedupe_key, type, bounce, recipient,
  occurred_at, received_at, reason, smtp_code, enhanced_status, url, user_agent, tags, metadata,
  raw) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
