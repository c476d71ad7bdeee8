import { z } from "zod";

/**
 * The settings of a webhook whose only proof is HTTP Basic credentials (the provider signs
 * nothing), for providers whose settings are exactly these two fields.
 */
export const basicAuthSettingsSchema = z
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

/** Basic-auth webhook settings as configured. */
export type BasicAuthSettings = z.input<typeof basicAuthSettingsSchema>;
