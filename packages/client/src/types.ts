import type { components, operations } from "./openapi";

/**
 * Names for the shapes of the generated OpenAPI types (`openapi.d.ts`), by operationId: the
 * client's types are read from the server's own document and never written by hand.
 */
type Operation<Id extends keyof operations> = operations[Id];

type JsonContent<T> = T extends { content: { "application/json": infer Json } } ? Json : never;

/** The JSON body an operation takes. */
export type RequestBody<Id extends keyof operations> =
  Operation<Id> extends { requestBody?: infer Body } ? JsonContent<NonNullable<Body>> : never;

/** The query parameters an operation takes. */
export type QueryParameters<Id extends keyof operations> =
  Operation<Id> extends { parameters: { query?: infer Query } } ? NonNullable<Query> : never;

/** The JSON an operation answers on success (undefined for a 204). */
export type SuccessBody<Id extends keyof operations> =
  Operation<Id> extends { responses: infer Responses }
    ? {
        [Status in keyof Responses]: Status extends 200 | 201 | 202
          ? JsonContent<Responses[Status]>
          : Status extends 204
            ? undefined
            : never;
      }[keyof Responses]
    : never;

/** A named schema of the OpenAPI document, e.g. `Schema<"MessageDetail">`. */
export type Schema<Name extends keyof components["schemas"]> = components["schemas"][Name];

export type SendMessageInput = RequestBody<"sendMessage">;
export type SendMessageResult = SuccessBody<"sendMessage">;
export type SendBatchInput = RequestBody<"sendMessageBatch">;
export type SendBatchResult = SuccessBody<"sendMessageBatch">;
export type MessageFilters = QueryParameters<"listMessages">;
export type MessagePage = SuccessBody<"listMessages">;
export type MessageSummary = Schema<"MessageSummary">;
export type MessageDetail = Schema<"MessageDetail">;
export type EventFilters = QueryParameters<"listEvents">;
export type EventPage = SuccessBody<"listEvents">;
export type Event = Schema<"Event">;
export type Template = Schema<"Template">;
export type TemplateSummary = Schema<"TemplateSummary">;
export type Suppression = Schema<"Suppression">;
export type Routes = Schema<"Routes">;
export type Provider = Schema<"Provider">;
export type WebhookEndpoint = Schema<"WebhookEndpoint">;
export type WebhookDelivery = Schema<"WebhookDelivery">;
export type CapturedMessage = Schema<"CapturedMessage">;
export type ApiKey = Schema<"ApiKey">;
/** What mailroute POSTs to a webhook endpoint, once `Mailroute.webhooks.verify` accepted it. */
export type OutboundEvent = Schema<"OutboundEvent">;
