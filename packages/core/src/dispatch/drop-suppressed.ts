import { type EmailMessage, recipientsOf } from "../message/message-schema";

/** Recipients to mark rejected before any provider call; `final` rejects the whole message. */
export interface RecipientRejection {
  recipients: string[];
  reason: string;
  final: boolean;
}

/** The message left to send (null when nothing is), and the rejections to record first. */
export interface SuppressionSplit {
  message: EmailMessage | null;
  rejections: RecipientRejection[];
}

/**
 * Drops suppressed recipients (bare lowercase addresses) before routing: each is rejected and no
 * provider is asked about it. When no `to` recipient is left, the message is not sent, and its
 * remaining cc and bcc recipients are rejected with it.
 */
export function dropSuppressed(
  message: EmailMessage,
  suppressed: ReadonlySet<string>,
): SuppressionSplit {
  if (suppressed.size === 0) {
    return { message, rejections: [] };
  }
  const all = recipientsOf(message);
  const keep = (address: { email: string }) => !suppressed.has(address.email.toLowerCase());
  const to = message.to.filter(keep);
  const rejections: RecipientRejection[] = [
    {
      recipients: [...suppressed],
      reason: "suppressed",
      final: to.length === 0 && all.length === suppressed.size,
    },
  ];
  if (to.length === 0) {
    const others = all.filter((email) => !suppressed.has(email));
    if (others.length > 0) {
      rejections.push({
        recipients: others,
        reason: "every to recipient is suppressed",
        final: true,
      });
    }
    return { message: null, rejections };
  }
  return {
    message: { ...message, to, cc: message.cc.filter(keep), bcc: message.bcc.filter(keep) },
    rejections,
  };
}
