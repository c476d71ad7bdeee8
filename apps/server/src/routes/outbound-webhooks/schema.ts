import { z } from "@hono/zod-openapi";
import { emailEventTypes, type WebhookEndpointRecord } from "@mailroute/core";

/** A webhook endpoint as the API shows it; `secret` only where the answer says so. */
export const endpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.string()).nullable(),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    failingSince: z.string().nullable(),
    secret: z.string().optional(),
    secretRotationEndsAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("WebhookEndpoint");

export const deliverySchema = z
  .looseObject({ id: z.string(), eventId: z.string(), status: z.string() })
  .openapi("WebhookDelivery");
export const idParams = z.object({ id: z.string() });
export const eventTypesSchema = z.array(z.enum(emailEventTypes)).min(1).nullable();

/** The stored endpoint → the API's shape. */
export function view(endpoint: WebhookEndpointRecord, withSecret: boolean) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    eventTypes: endpoint.eventTypes,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    failingSince: endpoint.failingSince,
    ...(withSecret ? { secret: endpoint.secret } : {}),
    secretRotationEndsAt: endpoint.previousSecretExpiresAt,
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
  };
}

export const endpointResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: endpointSchema } },
});
