import type { EmailAddress } from "@mailroute/core";
import type { LedgerEntry } from "@mailroute/core/testing";
import type { SendGridAddress, SendGridMail } from "./sendgrid-mail";

/** The custom_args key that carries mailroute's message id. */
export const mailrouteIdArgument = "mailroute_id";

function toAddress(address: SendGridAddress): EmailAddress {
  return address.name === undefined
    ? { email: address.email }
    : { email: address.email, name: address.name };
}

function contentOf(mail: SendGridMail, type: string): string | null {
  return mail.content?.find((block) => block.type === type)?.value ?? null;
}

/**
 * Normalizes an accepted Mail Send body into ledger entries, one per personalization (SendGrid
 * sends each personalization as its own message), all under the request's X-Message-Id.
 */
export function mapSendGridLedgerEntries(
  mail: SendGridMail,
  providerMessageId: string,
  raw: unknown,
): LedgerEntry[] {
  const attachments = (mail.attachments ?? []).map((attachment) => ({
    filename: attachment.filename,
    contentType: attachment.type ?? null,
    // SendGrid only reads content_id for inline parts; a camelCase contentId is ignored.
    contentId: attachment.disposition === "inline" ? (attachment.content_id ?? null) : null,
    content: attachment.content,
  }));
  const replyTo = mail.reply_to_list ?? (mail.reply_to ? [mail.reply_to] : []);
  return mail.personalizations.map((personalization) => {
    const { [mailrouteIdArgument]: mailrouteId, ...metadata } = {
      ...mail.custom_args,
      ...personalization.custom_args,
    };
    const sendAt = personalization.send_at ?? mail.send_at;
    return {
      providerMessageId,
      mailrouteId: mailrouteId ?? null,
      from: toAddress(mail.from),
      to: personalization.to.map(toAddress),
      cc: (personalization.cc ?? []).map(toAddress),
      bcc: (personalization.bcc ?? []).map(toAddress),
      replyTo: replyTo.map(toAddress),
      subject: personalization.subject ?? mail.subject ?? "",
      text: contentOf(mail, "text/plain"),
      html: contentOf(mail, "text/html"),
      attachments,
      headers: { ...mail.headers, ...personalization.headers },
      tags: mail.categories ?? [],
      metadata,
      sendAt: sendAt === undefined ? null : new Date(sendAt * 1000).toISOString(),
      tracking: mail.tracking_settings ? { tracking_settings: mail.tracking_settings } : {},
      raw,
    };
  });
}
