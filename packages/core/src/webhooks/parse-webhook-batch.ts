import { z } from "zod";
import { WebhookPayloadError } from "../errors/webhook-errors";

/** How one provider posts its events, for `parseWebhookBatch`. */
export interface WebhookBatchShape<Event extends z.ZodType> {
  /** The provider's name, for the error messages. */
  provider: string;
  /** One event, as far as the provider always sends it: the fields that make it its event. */
  event: Event;
  /** True when the provider may also post one event as a bare object (Brevo, Mailjet). */
  allowsSingleEvent?: boolean;
}

/** One item of a checked batch: as received, and as its schema read it. */
export interface WebhookBatchItem<Event> {
  raw: unknown;
  event: Event;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks that a decoded webhook body is a batch of one provider's events and returns its items.
 * Throws `WebhookPayloadError` naming the provider and the first item that is not one of its
 * events. An empty batch is refused too: no provider posts one, and a body that carries no event
 * is none of the provider's webhooks, so it is answered 400 rather than stored as nothing.
 */
export function parseWebhookBatch<Event extends z.ZodType>(
  body: unknown,
  shape: WebhookBatchShape<Event>,
): WebhookBatchItem<z.output<Event>>[] {
  const { provider } = shape;
  let items: unknown[];
  if (Array.isArray(body)) {
    items = body;
  } else if (shape.allowsSingleEvent && isPlainObject(body)) {
    items = [body];
  } else {
    const expected = shape.allowsSingleEvent
      ? "an event object or a JSON array of events"
      : "a JSON array of events";
    throw new WebhookPayloadError(`${provider} webhook body is not ${expected}`);
  }
  if (items.length === 0) {
    throw new WebhookPayloadError(`${provider} webhook body is an empty batch: it holds no event`);
  }
  return items.map((raw, index) => {
    const checked = shape.event.safeParse(raw);
    if (!checked.success) {
      throw new WebhookPayloadError(
        `${provider} webhook item ${index} is not a ${provider} event: ${z.prettifyError(checked.error)}`,
        { cause: checked.error },
      );
    }
    return { raw, event: checked.data };
  });
}
