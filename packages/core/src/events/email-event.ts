import { z } from "zod";
import { providerTypes } from "../provider/provider-types";

/** The normalized event vocabulary, per recipient (DESIGN.md, "The normalized event"). */
export const emailEventTypes = [
  "queued",
  "sent",
  "delivered",
  "deferred",
  "bounced",
  "rejected",
  "failed",
  /** Cancelled through the API before any provider took it. */
  "cancelled",
  "complained",
  "unsubscribed",
  "opened",
  "clicked",
  "autoresponded",
  "unknown",
] as const;

/** One of {@link emailEventTypes}. */
export type EmailEventType = (typeof emailEventTypes)[number];

/** How a bounce is classed. */
export const bounceClasses = ["hard", "soft", "block", "undetermined"] as const;

/** One of {@link bounceClasses}. */
export type BounceClass = (typeof bounceClasses)[number];

/** Where mailroute itself (not a provider) produced an event. */
export const mailrouteSource = "mailroute";

/** One normalized event on a message's timeline. */
export const emailEventSchema = z.object({
  id: z.string(),
  messageId: z.string().nullable(),
  /** The configured provider name, or `mailroute` for events of our own. */
  provider: z.string(),
  providerType: z.union([z.enum(providerTypes), z.literal(mailrouteSource), z.string()]),
  providerMessageId: z.string().nullable(),
  providerEventId: z.string().nullable(),
  type: z.enum(emailEventTypes),
  bounce: z.enum(bounceClasses).nullable(),
  /** Bare address, lowercased. */
  recipient: z.string().nullable(),
  occurredAt: z.string(),
  receivedAt: z.string(),
  /** The provider's words, not normalized. */
  reason: z.string().nullable(),
  smtpCode: z.number().int().nullable(),
  enhancedStatus: z.string().nullable(),
  url: z.string().nullable(),
  userAgent: z.string().nullable(),
  tags: z.array(z.string()),
  metadata: z.record(z.string(), z.string()),
  /** The untouched provider item; null for events of our own. */
  raw: z.unknown(),
});

/** One normalized event on a message's timeline. */
export type EmailEvent = z.infer<typeof emailEventSchema>;
