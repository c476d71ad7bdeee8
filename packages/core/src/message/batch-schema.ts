import { z } from "zod";

/** How many messages one `POST /v1/messages/batch` may carry. */
export const batchLimits = { maxMessages: 500 } as const;

/**
 * The envelope of `POST /v1/messages/batch`. Its items stay unchecked here: each is validated on
 * its own with `sendMessageSchema`, so an invalid message refuses only itself, not the batch.
 */
export const sendBatchSchema = z
  .object({
    messages: z
      .array(z.unknown())
      .min(1, "at least one message is required")
      .max(batchLimits.maxMessages, `at most ${batchLimits.maxMessages} messages per batch`),
  })
  .strict();

/** A batch envelope after validation: its items, each still to be validated. */
export type SendBatchInput = z.output<typeof sendBatchSchema>;
