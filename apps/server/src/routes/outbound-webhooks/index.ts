import { createRoute, z } from "@hono/zod-openapi";
import {
  emailEventTypes,
  MailrouteError,
  newId,
  type WebhookEndpointRecord,
} from "@mailroute/core";
import type { App } from "../../app-env";
import { generateWebhookSecret, resolveSafeTarget } from "../../services/outbound-webhooks/index";
import { errorResponses, pageSchema } from "../schemas";

const endpointSchema = z
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

const deliverySchema = z
  .looseObject({ id: z.string(), eventId: z.string(), status: z.string() })
  .openapi("WebhookDelivery");
const idParams = z.object({ id: z.string() });
const eventTypesSchema = z.array(z.enum(emailEventTypes)).min(1).nullable();

function view(endpoint: WebhookEndpointRecord, withSecret: boolean) {
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

const json = <T extends z.ZodType>(schema: T) => ({
  content: { "application/json": { schema } },
  required: true,
});
const endpointResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: endpointSchema } },
});

const create = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints",
  operationId: "createWebhookEndpoint",
  summary: "Add a webhook endpoint",
  description:
    "Every normalized event (including queued, sent, failed and rejected) goes to each matching enabled endpoint, signed the Standard Webhooks way with the endpoint's `whsec_` secret. The URL is resolved and refused when it points at a loopback, private, link-local or metadata address.",
  request: {
    body: json(
      z
        .object({
          url: z.url({ protocol: /^https?$/ }),
          description: z.string().max(500).optional(),
          eventTypes: eventTypesSchema.optional(),
          enabled: z.boolean().default(true),
        })
        .strict(),
    ),
  },
  responses: { 201: endpointResponse("Created, with its secret"), ...errorResponses(400, 401) },
});

const list = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints",
  operationId: "listWebhookEndpoints",
  summary: "List webhook endpoints",
  description: "Unknown query parameters are refused (400).",
  request: { query: z.object({}).strict() },
  responses: {
    200: {
      description: "Endpoints (without secrets)",
      content: { "application/json": { schema: z.object({ data: z.array(endpointSchema) }) } },
    },
    ...errorResponses(400, 401),
  },
});

const get = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints/{id}",
  operationId: "getWebhookEndpoint",
  summary: "Read a webhook endpoint, with its secret",
  request: { params: idParams },
  responses: { 200: endpointResponse("The endpoint"), ...errorResponses(401, 404) },
});

const update = createRoute({
  method: "patch",
  path: "/v1/webhook-endpoints/{id}",
  operationId: "updateWebhookEndpoint",
  summary: "Change a webhook endpoint",
  description: "Enabling an endpoint mailroute disabled clears the reason and the failure run.",
  request: {
    params: idParams,
    body: json(
      z
        .object({
          url: z.url({ protocol: /^https?$/ }).optional(),
          description: z.string().max(500).nullable().optional(),
          eventTypes: eventTypesSchema.optional(),
          enabled: z.boolean().optional(),
        })
        .strict(),
    ),
  },
  responses: { 200: endpointResponse("Changed"), ...errorResponses(400, 401, 404) },
});

const remove = createRoute({
  method: "delete",
  path: "/v1/webhook-endpoints/{id}",
  operationId: "deleteWebhookEndpoint",
  summary: "Delete a webhook endpoint and its pending deliveries",
  request: { params: idParams },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 404) },
});

const rotate = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{id}/rotate-secret",
  operationId: "rotateWebhookEndpointSecret",
  summary: "Rotate the signing secret",
  description:
    "Deliveries carry signatures by both the new and the old secret until the grace period ends (24 h by default).",
  request: {
    params: idParams,
    body: json(
      z.object({ graceSeconds: z.number().int().min(0).max(604_800).default(86_400) }).strict(),
    ),
  },
  responses: {
    200: endpointResponse("The endpoint with its new secret"),
    ...errorResponses(400, 401, 404),
  },
});

const deliveries = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints/{id}/deliveries",
  operationId: "listWebhookDeliveries",
  summary: "List an endpoint's deliveries with every attempt",
  description:
    "Newest first. A page ends early, after at least one delivery, before it would pass about 1 MB; follow `nextCursor`. Unknown query parameters are refused (400).",
  request: {
    params: idParams,
    query: z
      .object({
        status: z.enum(["pending", "delivered", "failed"]).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(50),
        cursor: z.string().optional(),
      })
      .strict(),
  },
  responses: {
    200: {
      description: "A page of deliveries",
      content: { "application/json": { schema: pageSchema(deliverySchema) } },
    },
    ...errorResponses(400, 401, 404),
  },
});

const replay = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{id}/replay",
  operationId: "replayWebhookDeliveries",
  summary: "Deliver again: one delivery, or every delivery created in a time range",
  description:
    "A replay keeps the delivery's `webhook-id`, so a receiver that already has it can drop the copy.",
  request: {
    params: idParams,
    body: json(
      z.union([
        z.object({ deliveryId: z.string().min(1) }).strict(),
        z
          .object({
            since: z.iso.datetime({ offset: true }),
            until: z.iso.datetime({ offset: true }),
          })
          .strict(),
      ]),
    ),
  },
  responses: {
    202: {
      description: "Queued again",
      content: { "application/json": { schema: z.object({ replayed: z.number() }) } },
    },
    ...errorResponses(400, 401, 404),
  },
});

/** `/v1/webhook-endpoints`: the application's own webhooks. */
export function registerWebhookEndpointRoutes(app: App): void {
  const found = async (
    c: {
      get: (key: "services") => {
        store: { getEndpoint(id: string): Promise<WebhookEndpointRecord | null> };
      };
    },
    id: string,
  ) => {
    const endpoint = await c.get("services").store.getEndpoint(id);
    if (!endpoint) {
      throw new MailrouteError("NOT_FOUND", `no webhook endpoint with id ${id}`);
    }
    return endpoint;
  };

  app.openapi(create, async (c) => {
    const { store, outbound } = c.get("services");
    const body = c.req.valid("json");
    await resolveSafeTarget(body.url, outbound);
    const endpoint = await store.createEndpoint({
      id: newId("we"),
      url: body.url,
      description: body.description ?? null,
      eventTypes: body.eventTypes ?? null,
      enabled: body.enabled,
      secret: generateWebhookSecret(),
      at: new Date(),
    });
    return c.json(view(endpoint, true), 201);
  });
  app.openapi(list, async (c) => {
    const endpoints = await c.get("services").store.listEndpoints();
    return c.json({ data: endpoints.map((endpoint) => view(endpoint, false)) }, 200);
  });
  app.openapi(get, async (c) => c.json(view(await found(c, c.req.valid("param").id), true), 200));
  app.openapi(update, async (c) => {
    const { store, outbound } = c.get("services");
    const { id } = c.req.valid("param");
    const patch = c.req.valid("json");
    if (patch.url) {
      await resolveSafeTarget(patch.url, outbound);
    }
    const endpoint = await store.updateEndpoint(id, patch, new Date());
    if (!endpoint) {
      throw new MailrouteError("NOT_FOUND", `no webhook endpoint with id ${id}`);
    }
    c.get("services").outboundWorker.notify();
    return c.json(view(endpoint, false), 200);
  });
  app.openapi(remove, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await c.get("services").store.deleteEndpoint(id))) {
      throw new MailrouteError("NOT_FOUND", `no webhook endpoint with id ${id}`);
    }
    return c.body(null, 204);
  });
  app.openapi(rotate, async (c) => {
    const { id } = c.req.valid("param");
    const now = new Date();
    const endpoint = await c
      .get("services")
      .store.rotateSecret(
        id,
        generateWebhookSecret(),
        new Date(now.getTime() + c.req.valid("json").graceSeconds * 1000),
        now,
      );
    if (!endpoint) {
      throw new MailrouteError("NOT_FOUND", `no webhook endpoint with id ${id}`);
    }
    return c.json(view(endpoint, true), 200);
  });
  app.openapi(deliveries, async (c) => {
    const { id } = c.req.valid("param");
    await found(c, id);
    return c.json(await c.get("services").store.listDeliveries(id, c.req.valid("query")), 200);
  });
  app.openapi(replay, async (c) => {
    const { id } = c.req.valid("param");
    await found(c, id);
    const body = c.req.valid("json");
    const selection =
      "deliveryId" in body
        ? { deliveryId: body.deliveryId }
        : { since: new Date(body.since), until: new Date(body.until) };
    const replayed = await c.get("services").store.replayDeliveries(id, selection, new Date());
    if ("deliveryId" in body && replayed === 0) {
      throw new MailrouteError("NOT_FOUND", `no delivery ${body.deliveryId} for this endpoint`);
    }
    c.get("services").outboundWorker.notify();
    return c.json({ replayed }, 202);
  });
}
