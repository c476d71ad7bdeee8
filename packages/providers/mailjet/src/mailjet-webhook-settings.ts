import { basicAuthSettingsSchema } from "@mailroute/core";
import type { z } from "zod";

/**
 * The credentials Mailjet puts in the event callback URL (`https://user:password@host/…`), which
 * reach mailroute as HTTP Basic auth: Mailjet signs nothing, so they are the only proof.
 */
export const mailjetWebhookSettingsSchema = basicAuthSettingsSchema;

/** What `createMailjetWebhook` takes. */
export type MailjetWebhookSettings = z.input<typeof mailjetWebhookSettingsSchema>;
