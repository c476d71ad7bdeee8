import { z } from "zod";

/**
 * The credentials Mailjet puts in the event callback URL (`https://user:password@host/…`), which
 * reach mailroute as HTTP Basic auth: Mailjet signs nothing, so they are the only proof.
 */
export const mailjetWebhookSettingsSchema = z
  .object({
    /** Basic-auth user id; RFC 7617 forbids a colon in it. */
    username: z
      .string()
      .min(1)
      .refine((value) => !value.includes(":"), "must not contain a colon"),
    /** Basic-auth password; use a long random string. */
    password: z.string().min(1),
  })
  .strict();

/** What `createMailjetWebhook` takes. */
export type MailjetWebhookSettings = z.input<typeof mailjetWebhookSettingsSchema>;
