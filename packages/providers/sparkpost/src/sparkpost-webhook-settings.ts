import { basicAuthSettingsSchema } from "@mailroute/core";
import type { z } from "zod";

/**
 * The credentials SparkPost sends with each webhook batch (the webhook's "Basic Auth"
 * authentication): SparkPost signs nothing, so they are the only proof.
 */
export const sparkPostWebhookSettingsSchema = basicAuthSettingsSchema;

/** What `createSparkPostWebhook` takes. */
export type SparkPostWebhookSettings = z.input<typeof sparkPostWebhookSettingsSchema>;
