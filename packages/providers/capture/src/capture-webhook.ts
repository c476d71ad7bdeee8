import {
  bounceClasses,
  bounceClassOfSmtpStatus,
  emailEventTypes,
  type ProviderEvent,
  type ProviderWebhook,
  parseJsonBody,
  secretsEqual,
  WebhookPayloadError,
  WebhookVerificationError,
} from "@mailroute/core";
import { z } from "zod";

/** Settings of the capture provider's webhook: a shared secret sent as a bearer token. */
export const captureWebhookSettingsSchema = z.object({ secret: z.string().min(16) }).strict();

/** Capture webhook settings. */
export type CaptureWebhookSettings = z.input<typeof captureWebhookSettingsSchema>;

const captureEventSchema = z
  .object({
    /** A stable id for this event; a repeat with the same id is stored once. */
    id: z.string().min(1).optional(),
    messageId: z.string().min(1),
    recipient: z.email(),
    type: z.enum(emailEventTypes),
    bounce: z.enum(bounceClasses).optional(),
    occurredAt: z.iso.datetime({ offset: true }),
    reason: z.string().optional(),
    smtpCode: z.number().int().optional(),
    enhancedStatus: z.string().optional(),
    url: z.string().optional(),
    userAgent: z.string().optional(),
  })
  .strict();

const capturePayloadSchema = z
  .object({ events: z.array(captureEventSchema).min(1).max(1000) })
  .strict();

/** The body the capture webhook takes: normalized events about captured messages. */
export type CaptureWebhookPayload = z.output<typeof capturePayloadSchema>;

/** Maps capture's events; they are already normalized, so this only fills the gaps. */
export function mapCaptureEvents(payload: CaptureWebhookPayload): ProviderEvent[] {
  return payload.events.map((event) => ({
    type: event.type,
    // A bounce posted without a class takes the one its SMTP status implies.
    bounce:
      event.type === "bounced"
        ? (event.bounce ??
          bounceClassOfSmtpStatus({
            smtpCode: event.smtpCode ?? null,
            enhancedStatus: event.enhancedStatus ?? null,
          }))
        : null,
    recipient: event.recipient.toLowerCase(),
    occurredAt: new Date(event.occurredAt).toISOString(),
    providerMessageId: null,
    providerEventId: event.id ?? null,
    mailrouteId: event.messageId,
    reason: event.reason ?? null,
    smtpCode: event.smtpCode ?? null,
    enhancedStatus: event.enhancedStatus ?? null,
    url: event.url ?? null,
    userAgent: event.userAgent ?? null,
    tags: [],
    metadata: {},
    dedupeKey: event.id ?? null,
    raw: event,
  }));
}

/**
 * The capture provider's webhook, for demos and tests: POST normalized events with
 * `Authorization: Bearer <secret>` to see them on a captured message's timeline.
 */
export function createCaptureWebhook(settings: CaptureWebhookSettings): ProviderWebhook {
  const { secret } = captureWebhookSettingsSchema.parse(settings);
  return {
    async verify(request) {
      const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "");
      if (!match?.[1] || !(await secretsEqual(match[1], secret))) {
        throw new WebhookVerificationError("missing or wrong bearer secret");
      }
    },
    parse(request) {
      const parsed = capturePayloadSchema.safeParse(parseJsonBody(request.rawBody, "Capture"));
      if (!parsed.success) {
        // The prettified issues name the field (`events[0].recipient`), not only what is wrong.
        throw new WebhookPayloadError(
          `body is not a capture event list: ${z.prettifyError(parsed.error)}`,
          { cause: parsed.error },
        );
      }
      return { kind: "events", payload: parsed.data };
    },
    toEvents: (payload) => mapCaptureEvents(payload as CaptureWebhookPayload),
  };
}
