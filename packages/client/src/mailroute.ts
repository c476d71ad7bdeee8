import type { operations } from "./openapi";
import { iteratePages, type Page } from "./pages";
import { type CallOptions, type MailrouteOptions, type RequestSpec, Transport } from "./transport";
import type { QueryParameters, RequestBody, SuccessBody } from "./types";
import { verifyWebhook } from "./webhooks";

/** Options of a send: the Idempotency-Key that makes its retries safe. */
export interface SendOptions extends CallOptions {
  /** Made with `crypto.randomUUID()` when not given; pass your own to dedupe across processes. */
  idempotencyKey?: string;
}

type Request = <T>(spec: RequestSpec) => Promise<T>;
type OperationId = keyof operations;
type Method = RequestSpec["method"];
/** The operations that answer a page: `{ data, nextCursor }`. */
type PagedOperationId = {
  [Id in OperationId]: SuccessBody<Id> extends Page<unknown> ? Id : never;
}[OperationId];
type ItemOf<Id extends PagedOperationId> = SuccessBody<Id> extends Page<infer Item> ? Item : never;

const segment = (value: string) => encodeURIComponent(value);

/** The calls of one client, typed by operationId; every namespace is built from these three. */
function calls(request: Request) {
  /** A GET: safe to retry. */
  const read = <Id extends OperationId>(path: string, query?: object, options: CallOptions = {}) =>
    request<SuccessBody<Id>>({ method: "GET", path, query, retry: true, signal: options.signal });
  /** A write without an Idempotency-Key: never retried, as a retry could apply it twice. */
  const write = <Id extends OperationId>(
    method: Method,
    path: string,
    body?: RequestBody<Id>,
    options: CallOptions = {},
  ) => request<SuccessBody<Id>>({ method, path, body, signal: options.signal });
  /** `list` (one page) and `iterate` (every item of every page) of a list endpoint. */
  const listing = <Id extends PagedOperationId>(path: string, cursorName = "cursor") => {
    const list = (
      filters: QueryParameters<Id> = {} as QueryParameters<Id>,
      options?: CallOptions,
    ) => read<Id>(path, filters, options);
    const iterate = (filters = {} as Omit<QueryParameters<Id>, "cursor">) =>
      iteratePages<ItemOf<Id>>(
        (cursor) =>
          read<Id>(path, { ...filters, ...(cursor ? { [cursorName]: cursor } : {}) }) as Promise<
            Page<ItemOf<Id>>
          >,
      );
    return { list, iterate };
  };
  return { read, write, listing };
}

type Calls = ReturnType<typeof calls>;

function messages(request: Request, { read, write, listing }: Calls) {
  const send =
    <Id extends "sendMessage" | "sendMessageBatch">(path: string) =>
    (body: RequestBody<Id>, options: SendOptions = {}) =>
      request<SuccessBody<Id>>({
        method: "POST",
        path,
        body,
        // One key for every retry of this call: the server answers a retry from the first
        // request, so a message is never accepted twice.
        headers: { "idempotency-key": options.idempotencyKey ?? globalThis.crypto.randomUUID() },
        retry: true,
        signal: options.signal,
      });
  const { list, iterate } = listing<"listMessages">("/v1/messages");
  return {
    /** `POST /v1/messages`: accepted and stored (202), retried safely with one Idempotency-Key. */
    send: send<"sendMessage">("/v1/messages"),
    /** `POST /v1/messages/batch`: up to 500 messages in one commit, retried like `send`. */
    sendBatch: send<"sendMessageBatch">("/v1/messages/batch"),
    /** `GET /v1/messages/:id`: status, recipients, attempts, events and routing. */
    get: (id: string, options?: CallOptions) =>
      read<"getMessage">(`/v1/messages/${segment(id)}`, undefined, options),
    /** `GET /v1/messages`: one page, newest first. */
    list,
    /** Every message that matches, page after page (following `nextCursor`). */
    iterate,
    /** `POST /v1/messages/:id/cancel`: a message no provider has taken yet. */
    cancel: (id: string, options?: CallOptions) =>
      write<"cancelMessage">("POST", `/v1/messages/${segment(id)}/cancel`, undefined, options),
    /** `POST /v1/messages/:id/release`: a held message goes back to the queue. */
    release: (id: string, options?: CallOptions) =>
      write<"releaseMessage">("POST", `/v1/messages/${segment(id)}/release`, undefined, options),
  };
}

function templates({ read, write, listing }: Calls) {
  const path = (idOrName: string) => `/v1/templates/${segment(idOrName)}`;
  return {
    ...listing<"listTemplates">("/v1/templates"),
    /** By id or name; a past version with `{ version }`. */
    get: (idOrName: string, query?: QueryParameters<"getTemplate">, options?: CallOptions) =>
      read<"getTemplate">(path(idOrName), query, options),
    create: (body: RequestBody<"createTemplate">, options?: CallOptions) =>
      write<"createTemplate">("POST", "/v1/templates", body, options),
    /** Stores a new version. */
    update: (idOrName: string, body: RequestBody<"updateTemplate">, options?: CallOptions) =>
      write<"updateTemplate">("PUT", path(idOrName), body, options),
    delete: (idOrName: string, options?: CallOptions) =>
      write<"deleteTemplate">("DELETE", path(idOrName), undefined, options),
    /** Renders a stored template with `data`, sending nothing. */
    render: (idOrName: string, body: RequestBody<"renderTemplate">, options?: CallOptions) =>
      write<"renderTemplate">("POST", `${path(idOrName)}/render`, body, options),
  };
}

function webhookEndpoints({ read, write }: Calls) {
  const path = (id: string) => `/v1/webhook-endpoints/${segment(id)}`;
  const deliveries = (
    id: string,
    filters?: QueryParameters<"listWebhookDeliveries">,
    options?: CallOptions,
  ) => read<"listWebhookDeliveries">(`${path(id)}/deliveries`, filters, options);
  return {
    list: (options?: CallOptions) =>
      read<"listWebhookEndpoints">("/v1/webhook-endpoints", undefined, options),
    get: (id: string, options?: CallOptions) =>
      read<"getWebhookEndpoint">(path(id), undefined, options),
    /** Answers the endpoint with its signing `secret` (`whsec_…`). */
    create: (body: RequestBody<"createWebhookEndpoint">, options?: CallOptions) =>
      write<"createWebhookEndpoint">("POST", "/v1/webhook-endpoints", body, options),
    update: (id: string, body: RequestBody<"updateWebhookEndpoint">, options?: CallOptions) =>
      write<"updateWebhookEndpoint">("PATCH", path(id), body, options),
    delete: (id: string, options?: CallOptions) =>
      write<"deleteWebhookEndpoint">("DELETE", path(id), undefined, options),
    /** One page of an endpoint's deliveries, newest first. */
    deliveries,
    /** Every delivery of an endpoint, page after page. */
    iterateDeliveries: (
      id: string,
      filters: Omit<QueryParameters<"listWebhookDeliveries">, "cursor"> = {},
    ) => iteratePages((cursor) => deliveries(id, { ...filters, cursor })),
    /** Sends one delivery (`{ deliveryId }`), or every delivery of a time window, again. */
    replay: (id: string, body: RequestBody<"replayWebhookDeliveries">, options?: CallOptions) =>
      write<"replayWebhookDeliveries">("POST", `${path(id)}/replay`, body, options),
    /** A new secret; the old one keeps signing too for `graceSeconds` (24 h by default). */
    rotateSecret: (
      id: string,
      body: RequestBody<"rotateWebhookEndpointSecret"> = {},
      options?: CallOptions,
    ) => write<"rotateWebhookEndpointSecret">("POST", `${path(id)}/rotate-secret`, body, options),
  };
}

/**
 * A client for one mailroute's `/v1` API.
 *
 * ```ts
 * const mr = new Mailroute({ baseUrl: "http://localhost:3000", apiKey: "mr_…" });
 * const { id } = await mr.messages.send({ from: "noreply@acme.test", to: "user@example.com", subject: "Hi", text: "Hello" });
 * ```
 */
export class Mailroute {
  /** Verifies mailroute's outbound webhooks; needs no client, only the endpoint's secret. */
  static readonly webhooks = { verify: verifyWebhook };

  readonly messages;
  /** The event feed, oldest first; `iterate` ends once it has caught up. */
  readonly events;
  readonly templates;
  readonly suppressions;
  readonly routes;
  readonly providers;
  readonly webhookEndpoints;
  /** What the local `capture` provider received, newest first. */
  readonly captures;
  /** API keys and their scopes (`admin` keys only). */
  readonly apiKeys;

  constructor(options: MailrouteOptions) {
    const transport = new Transport(options);
    const request: Request = (spec) => transport.request(spec);
    const api = calls(request);
    const { read, write, listing } = api;
    this.messages = messages(request, api);
    this.events = listing<"listEvents">("/v1/events", "after");
    this.templates = templates(api);
    this.suppressions = {
      ...listing<"listSuppressions">("/v1/suppressions"),
      add: (body: RequestBody<"addSuppression">, options?: CallOptions) =>
        write<"addSuppression">("POST", "/v1/suppressions", body, options),
      remove: (email: string, options?: CallOptions) =>
        write<"removeSuppression">(
          "DELETE",
          `/v1/suppressions/${segment(email)}`,
          undefined,
          options,
        ),
    };
    this.routes = {
      /** The routing table in force and where it comes from. */
      get: (options?: CallOptions) => read<"getRoutes">("/v1/routes", undefined, options),
      /** Replaces the whole routing table. */
      put: (body: RequestBody<"replaceRoutes">, options?: CallOptions) =>
        write<"replaceRoutes">("PUT", "/v1/routes", body, options),
      /** Which route and providers a message would get now, sending nothing. */
      simulate: (body: RequestBody<"simulateRoute">, options?: CallOptions) =>
        write<"simulateRoute">("POST", "/v1/routes/simulate", body, options),
    };
    this.providers = {
      /** Every configured provider: breaker, limits, recent outcomes and capabilities. */
      list: (options?: CallOptions) => read<"listProviders">("/v1/providers", undefined, options),
    };
    this.webhookEndpoints = webhookEndpoints(api);
    this.captures = listing<"listCaptures">("/v1/captures");
    this.apiKeys = {
      ...listing<"listApiKeys">("/v1/api-keys"),
      /** Answers the new key (`mr_…`) in `key`, this once: keep it. */
      create: (body: RequestBody<"createApiKey">, options?: CallOptions) =>
        write<"createApiKey">("POST", "/v1/api-keys", body, options),
      /** Revokes a key at once: its next request answers 401. */
      revoke: (id: string, options?: CallOptions) =>
        write<"revokeApiKey">("DELETE", `/v1/api-keys/${segment(id)}`, undefined, options),
    };
  }
}
