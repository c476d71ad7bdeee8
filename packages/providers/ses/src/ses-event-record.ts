import { WebhookPayloadError } from "@mailroute/core";
import { z } from "zod";

const text = z.string().nullish();
const addressedSchema = z.object({ emailAddress: z.string(), diagnosticCode: text, status: text });

// Only the fields mailroute reads; SES adds others freely.
const sesRecordSchema = z
  .object({
    eventType: text,
    notificationType: text,
    mail: z
      .object({
        messageId: text,
        destination: z.array(z.string()).nullish(),
        headers: z.array(z.object({ name: z.string(), value: z.string() })).nullish(),
        tags: z.record(z.string(), z.array(z.string())).nullish(),
      })
      .nullish(),
    bounce: z
      .object({
        bounceType: text,
        bounceSubType: text,
        bouncedRecipients: z.array(addressedSchema),
      })
      .nullish(),
    complaint: z
      .object({
        complainedRecipients: z.array(z.object({ emailAddress: z.string() })),
        complaintFeedbackType: text,
        userAgent: text,
      })
      .nullish(),
    delivery: z.object({ recipients: z.array(z.string()), smtpResponse: text }).nullish(),
    deliveryDelay: z
      .object({ delayType: text, delayedRecipients: z.array(addressedSchema) })
      .nullish(),
    reject: z.object({ reason: text }).nullish(),
    open: z.object({ userAgent: text }).nullish(),
    click: z.object({ link: text, userAgent: text }).nullish(),
    failure: z.object({ errorMessage: text }).nullish(),
  })
  // Every SES record names its kind: `eventType` (event publishing) or `notificationType`
  // (identity notifications). An SNS message without either is not from SES.
  .refine(
    (record) => Boolean(record.eventType || record.notificationType),
    "has neither eventType nor notificationType",
  );

/** The fields of an SES event record that mailroute reads. */
export type SesRecord = z.infer<typeof sesRecordSchema>;

/** The record's kind: `eventType`, or `notificationType` in the older notification format. */
export function sesRecordKind(record: SesRecord): string | null {
  return record.eventType ?? record.notificationType ?? null;
}

/** Checks a parsed SNS Message against the SES record shape; throws `WebhookPayloadError`. */
export function parseSesRecord(value: unknown): SesRecord {
  const parsed = sesRecordSchema.safeParse(value);
  if (!parsed.success) {
    throw new WebhookPayloadError(
      `SNS message is not an SES event record: ${z.prettifyError(parsed.error)}`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}
