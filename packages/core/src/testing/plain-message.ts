import { newId } from "../ids";
import type { EmailMessage } from "../message/message-schema";

/** A minimal valid message (one recipient, text only) with a fresh id, for tests to vary. */
export function plainMessage(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    id: newId("msg"),
    from: { email: "a@acme.test" },
    to: [{ email: "one@example.com" }],
    cc: [],
    bcc: [],
    replyTo: [],
    subject: "s",
    text: "t",
    attachments: [],
    headers: {},
    tags: [],
    metadata: {},
    ...overrides,
  };
}
