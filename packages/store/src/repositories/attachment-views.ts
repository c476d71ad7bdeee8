import type { Attachment, AttachmentView } from "@mailroute/core";

/** The decoded size of base64 `content`, without decoding it. */
function base64Bytes(content: string): number {
  let padding = 0;
  while (padding < 2 && content[content.length - 1 - padding] === "=") {
    padding += 1;
  }
  return Math.floor((content.length * 3) / 4) - padding;
}

/** What a message's attachments look like without their content: names, types and sizes. */
export function attachmentViews(attachments: readonly Attachment[]): AttachmentView[] {
  return attachments.map((attachment) => ({
    filename: attachment.filename,
    contentType: attachment.contentType ?? null,
    contentId: attachment.contentId ?? null,
    size: base64Bytes(attachment.content),
  }));
}
