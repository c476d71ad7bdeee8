import type { EmailAddress, EmailMessage } from "@mailroute/core";

/** The custom_args key that carries mailroute's message id back in Event Webhook payloads. */
export const mailrouteIdArgument = "mailroute_id";

interface SendGridAddress {
  email: string;
  name?: string;
}

interface SendGridAttachment {
  content: string;
  filename: string;
  type?: string;
  disposition: "inline" | "attachment";
  content_id?: string;
}

/** Per-message tracking switches; each overrides the account's setting when present. */
export interface SendGridTrackingSettings {
  open_tracking?: { enable: boolean };
  /** `enable_text` extends click tracking to the text/plain part as well as the HTML. */
  click_tracking?: { enable: boolean; enable_text: boolean };
}

/** The v3 Mail Send JSON body, limited to the fields mailroute writes. */
export interface SendGridMailBody {
  personalizations: [{ to: SendGridAddress[]; cc?: SendGridAddress[]; bcc?: SendGridAddress[] }];
  from: SendGridAddress;
  reply_to_list?: SendGridAddress[];
  subject: string;
  content: { type: "text/plain" | "text/html"; value: string }[];
  attachments?: SendGridAttachment[];
  headers?: Record<string, string>;
  categories?: string[];
  custom_args: Record<string, string>;
  send_at?: number;
  tracking_settings?: SendGridTrackingSettings;
}

function toSendGridAddress(address: EmailAddress): SendGridAddress {
  return address.name ? { email: address.email, name: address.name } : { email: address.email };
}

/**
 * SendGrid refuses a personalization that names one address twice across to, cc and bcc
 * ("Each email address in the personalization block should be unique"), where other providers
 * deliver one copy. Keep the first occurrence so the message goes out as the others would send it.
 */
function dropRepeatedAddresses(lists: EmailAddress[][]): SendGridAddress[][] {
  const seen = new Set<string>();
  return lists.map((list) =>
    list
      .filter((address) => {
        const key = address.email.toLowerCase();
        const isNew = !seen.has(key);
        seen.add(key);
        return isNew;
      })
      .map(toSendGridAddress),
  );
}

function toAttachment(attachment: EmailMessage["attachments"][number]): SendGridAttachment {
  // The SDK's mail helper leaves a camelCase contentId as is, which SendGrid ignores; inline
  // parts need `content_id` with disposition "inline".
  return {
    content: attachment.content,
    filename: attachment.filename,
    ...(attachment.contentType ? { type: attachment.contentType } : {}),
    disposition: attachment.contentId ? "inline" : "attachment",
    ...(attachment.contentId ? { content_id: attachment.contentId } : {}),
  };
}

/**
 * The message's explicit tracking switches as `tracking_settings`
 * (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send, "tracking_settings");
 * a switch the message leaves unset is not sent, so the account's setting applies.
 */
export function toTrackingSettings(
  tracking: EmailMessage["tracking"],
): SendGridTrackingSettings | undefined {
  const settings: SendGridTrackingSettings = {};
  if (tracking?.opens !== undefined) {
    settings.open_tracking = { enable: tracking.opens };
  }
  if (tracking?.clicks !== undefined) {
    // A link clicked in the text part counts as much as one in the HTML.
    settings.click_tracking = { enable: tracking.clicks, enable_text: tracking.clicks };
  }
  return Object.keys(settings).length > 0 ? settings : undefined;
}

/**
 * Builds the Mail Send body for one message. Email headers go in the body's `headers` only: the
 * SDK's mail helper would also copy them into the HTTP request, where one named Authorization
 * replaces the API key.
 */
export function buildSendGridMailBody(
  message: EmailMessage,
  now: number = Date.now(),
): SendGridMailBody {
  const [to = [], cc = [], bcc = []] = dropRepeatedAddresses([message.to, message.cc, message.bcc]);
  const content: SendGridMailBody["content"] = [];
  // SendGrid wants text/plain first, then text/html, and refuses an empty value.
  if (message.text) {
    content.push({ type: "text/plain", value: message.text });
  }
  if (message.html) {
    content.push({ type: "text/html", value: message.html });
  }
  const sendAt = message.sendAt ? Date.parse(message.sendAt) : Number.NaN;
  const trackingSettings = toTrackingSettings(message.tracking);
  return {
    personalizations: [
      { to, ...(cc.length > 0 ? { cc } : {}), ...(bcc.length > 0 ? { bcc } : {}) },
    ],
    from: toSendGridAddress(message.from),
    ...(message.replyTo.length > 0
      ? { reply_to_list: message.replyTo.map(toSendGridAddress) }
      : {}),
    subject: message.subject,
    content,
    ...(message.attachments.length > 0
      ? { attachments: message.attachments.map(toAttachment) }
      : {}),
    ...(Object.keys(message.headers).length > 0 ? { headers: { ...message.headers } } : {}),
    ...(message.tags.length > 0 ? { categories: [...message.tags] } : {}),
    // custom_args come back as top-level keys of every Event Webhook event, which is how events
    // find their message; mailroute's id is written last so metadata cannot overwrite it.
    custom_args: { ...message.metadata, [mailrouteIdArgument]: message.id },
    // send_at is whole Unix seconds; a time already past means "now", so it is left out.
    ...(sendAt > now ? { send_at: Math.ceil(sendAt / 1000) } : {}),
    ...(trackingSettings ? { tracking_settings: trackingSettings } : {}),
  };
}
