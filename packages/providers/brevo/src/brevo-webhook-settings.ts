import { z } from "zod";

/**
 * How Brevo's webhook requests authenticate (Brevo signs nothing): HTTP Basic credentials set on
 * the webhook URL, a bearer token, or both (a request may present either one).
 */
export const brevoWebhookSettingsSchema = z
  .object({
    /** The Basic-auth user name in the webhook URL (`https://user:password@host/…`). */
    username: z
      .string()
      .min(1)
      .refine((value) => !value.includes(":"), "must not contain ':'")
      .optional(),
    /** The Basic-auth password in the webhook URL. */
    password: z.string().min(1).optional(),
    /** The token Brevo sends as `Authorization: Bearer <token>` (the webhook's `auth` setting). */
    token: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((settings, context) => {
    if ((settings.username === undefined) !== (settings.password === undefined)) {
      context.addIssue({
        code: "custom",
        path: [settings.username === undefined ? "username" : "password"],
        message: "username and password go together",
      });
    }
    if (settings.password === undefined && settings.token === undefined) {
      context.addIssue({
        code: "custom",
        path: [],
        message: "set username and password, or token: Brevo's webhooks carry no signature",
      });
    }
  });

/** What `createBrevoWebhook` takes. */
export type BrevoWebhookSettings = z.input<typeof brevoWebhookSettingsSchema>;
