import { z } from "@hono/zod-openapi";
import { isEmailAddress, suppressionReasons } from "@mailroute/core";

/** One suppressed address, as every suppressions endpoint answers it. */
export const suppressionSchema = z
  .object({
    email: z.string(),
    reason: z.enum(suppressionReasons),
    provider: z.string().nullable(),
    eventId: z.string().nullable(),
    messageId: z.string().nullable(),
    note: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("Suppression");

/** An address a suppression may be added for. */
export const emailSchema = z
  .string()
  .refine((value) => isEmailAddress(value), "is not a valid email address");
