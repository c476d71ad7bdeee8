import { createSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import type { LedgerEntry } from "@mailroute/core/testing";

/** One event the emulator can report about a message it accepted. */
export type SendGridEventKind =
  | "processed"
  | "delivered"
  | "open"
  | "click"
  | "bounce"
  | "dropped"
  | "spamreport";

/** Signs and posts Event Webhook batches the way SendGrid does (ECDSA P-256 over timestamp + body). */
export interface SendGridEventWebhook {
  /** The verification key as SendGrid's dashboard shows it: base64 of the DER public key. */
  readonly publicKey: string;
  /** Builds the events SendGrid would report for one recipient of an accepted message. */
  eventsFor(
    entry: LedgerEntry,
    recipient: string,
    kinds: SendGridEventKind[],
    startSeconds: number,
  ): Record<string, unknown>[];
  /** Signs a body with this key; `timestamp` is in seconds. */
  sign(body: string, timestamp: number): { signature: string; timestamp: string };
  /** Posts one signed batch; returns the response. */
  post(
    url: string,
    events: Record<string, unknown>[],
    options?: { forge?: boolean },
  ): Promise<Response>;
}

let sequence = 0;

function eventFields(kind: SendGridEventKind): Record<string, unknown> {
  switch (kind) {
    case "bounce":
      return {
        type: "bounce",
        reason: "550 5.1.1 The email account that you tried to reach does not exist.",
        status: "5.1.1",
      };
    case "click":
      return { url: "https://acme.test/receipt", useragent: "Mozilla/5.0", ip: "192.0.2.1" };
    case "open":
      return { useragent: "Mozilla/5.0", ip: "192.0.2.1" };
    case "delivered":
      return { response: "250 2.0.0 OK" };
    default:
      return {};
  }
}

/** Creates a signer with a fresh P-256 key pair. */
export function createSendGridEventWebhook(): SendGridEventWebhook {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const publicKeyBase64 = (publicKey as KeyObject)
    .export({ type: "spki", format: "der" })
    .toString("base64");
  const sign = (body: string, timestamp: number) => {
    const signer = createSign("SHA256");
    signer.update(`${timestamp}${body}`);
    return { signature: signer.sign(privateKey).toString("base64"), timestamp: String(timestamp) };
  };
  return {
    publicKey: publicKeyBase64,
    eventsFor(entry, recipient, kinds, startSeconds) {
      return kinds.map((kind, index) => {
        sequence += 1;
        return {
          email: recipient,
          timestamp: startSeconds + index,
          event: kind,
          sg_event_id: `emulator-event-${sequence}`,
          sg_message_id: `${entry.providerMessageId}.filterdrecv-emulator-1-${sequence}`,
          "smtp-id": `<${entry.providerMessageId}@emulator.sendgrid.net>`,
          category: entry.tags,
          ...entry.metadata,
          ...(entry.mailrouteId ? { mailroute_id: entry.mailrouteId } : {}),
          ...eventFields(kind),
        };
      });
    },
    sign,
    async post(url, events, options = {}) {
      const body = JSON.stringify(events);
      const signed = sign(body, Math.floor(Date.now() / 1000));
      // A forged batch carries a valid signature of different bytes.
      const sentBody = options.forge ? body.replace("bounce", "delivered") : body;
      return fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-twilio-email-event-webhook-signature": signed.signature,
          "x-twilio-email-event-webhook-timestamp": signed.timestamp,
        },
        body: sentBody,
      });
    },
  };
}
