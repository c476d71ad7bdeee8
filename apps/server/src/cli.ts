// The `mailroute` command: the whole /v1 API from a shell, through @mailroute/client, so it works
// against any mailroute (`--url`, `--key`). `--json` prints the API's JSON as one document;
// otherwise answers are tables. Exit codes: 0 ok, 1 an API or network error, 2 a usage error.
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type ApiKey,
  type CapturedMessage,
  type Event,
  Mailroute,
  MailrouteError,
  type MessageSummary,
  type Provider,
  type RequestBody,
  type Suppression,
  type TemplateSummary,
  type WebhookDelivery,
  type WebhookEndpoint,
} from "@mailroute/client";
import { type ApiKeyScope, apiKeyScopes } from "@mailroute/core";
import { Command, CommanderError, Option } from "commander";
import { migrateConfiguredDatabase } from "./cli/configured-database";
import { withLocalKeys } from "./cli/local-keys";
import { type Column, formatTable } from "./cli/table";

/** A usage mistake found after parsing (a bad --data, an unreadable file): exit code 2. */
class UsageError extends Error {}

interface GlobalOptions {
  url: string;
  key?: string;
  json?: boolean;
}

/** What every action gets: the client, and how to print an answer. */
interface Context {
  options: GlobalOptions;
  client: Mailroute;
  /** Prints `value` as JSON with --json, else what `text` makes of it. */
  print<T>(value: T, text: (value: T) => string): void;
}

function contextOf(command: Command): Context {
  const options = command.optsWithGlobals<GlobalOptions>();
  let client: Mailroute | undefined;
  return {
    options,
    get client() {
      if (!options.key) {
        throw new UsageError("no API key: pass --key or set MAILROUTE_API_KEY");
      }
      client ??= new Mailroute({ baseUrl: options.url, apiKey: options.key });
      return client;
    },
    print(value, text) {
      process.stdout.write(`${options.json ? JSON.stringify(value, null, 2) : text(value)}\n`);
    },
  };
}

/** Wraps an action: its arguments, then the context (commander passes the command last). */
function action<Args extends unknown[]>(
  run: (context: Context, ...args: Args) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return (...args) => {
    const command = args[args.length - 1] as Command;
    return run(contextOf(command), ...(args.slice(0, -1) as Args));
  };
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Reads a file, or stdin for `-`. */
function readText(path: string): string {
  try {
    return readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (error) {
    throw new UsageError(
      `cannot read ${path === "-" ? "stdin" : path}: ${(error as Error).message}`,
    );
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} is not JSON: ${(error as Error).message}`);
  }
}

/** A JSON document from a file (or stdin for `-`). */
function jsonFile<T>(path: string): T {
  return parseJson(readText(path), path === "-" ? "stdin" : path) as T;
}

/** `--data`: inline JSON, or `@file` for a file's. */
function jsonData(value: string): Record<string, unknown> {
  const data = value.startsWith("@")
    ? parseJson(readText(value.slice(1)), value.slice(1))
    : parseJson(value, "--data");
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new UsageError("--data must be a JSON object");
  }
  return data as Record<string, unknown>;
}

function metadataOf(pairs: string[]): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf("=");
    if (equals <= 0) {
      throw new UsageError(`--metadata '${pair}' is not key=value`);
    }
    metadata[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return metadata;
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new UsageError(`'${value}' is not a positive integer`);
  }
  return number;
}

/** `--limit` of a list command. */
const limitOption = () => new Option("--limit <n>", "page size").argParser(positiveInteger);
/** `--cursor` of a list command. */
const cursorOption = () => new Option("--cursor <cursor>", "the page after this cursor");

/** Key: value lines, for one object. */
function fields(entries: [string, unknown][]): string {
  return formatTable(
    [
      { header: "field", value: ([name]: [string, unknown]) => name },
      { header: "value", value: ([, value]: [string, unknown]) => value, max: 100 },
    ],
    entries,
  );
}

/** A page as a table, with where the next page starts on stderr. */
function pageText<Row>(columns: Column<Row>[]) {
  return (page: { data: Row[]; nextCursor: string | null }) => {
    if (page.nextCursor) {
      process.stderr.write(`more: --cursor ${page.nextCursor}\n`);
    }
    return formatTable(columns, page.data);
  };
}

const emailsOf = (list: unknown) =>
  (Array.isArray(list) ? list : [list])
    .map((entry) =>
      typeof entry === "object" && entry !== null ? (entry as { email: string }).email : entry,
    )
    .join(",");

const messageColumns: Column<MessageSummary>[] = [
  { header: "id", value: (message) => message.id },
  { header: "status", value: (message) => message.status },
  { header: "to", value: (message) => emailsOf(message.to) },
  { header: "subject", value: (message) => message.subject, max: 40 },
  { header: "provider", value: (message) => message.provider },
  { header: "created", value: (message) => message.createdAt },
];

const eventColumns: Column<Event>[] = [
  { header: "id", value: (event) => event.id },
  { header: "type", value: (event) => event.type },
  { header: "provider", value: (event) => event.provider },
  { header: "message", value: (event) => event.messageId },
  { header: "recipient", value: (event) => event.recipient },
  { header: "occurred", value: (event) => event.occurredAt },
];

/** One line per item as it arrives: compact JSON with --json, else the columns. */
function streamLine<Row>(context: Context, columns: Column<Row>[], row: Row): void {
  const text = context.options.json
    ? JSON.stringify(row)
    : (formatTable(columns, [row]).split("\n")[1] ?? "");
  process.stdout.write(`${text}\n`);
}

function sendCommand(program: Command): void {
  program
    .command("send")
    .description("Send one message: from flags, or a whole JSON body with --file (- for stdin)")
    .option("--file <path>", "the JSON body of POST /v1/messages (- for stdin); flags override it")
    .option("--from <address>", "sender")
    .option("--to <address>", "recipient (repeatable)", collect)
    .option("--cc <address>", "copy recipient (repeatable)", collect)
    .option("--bcc <address>", "blind copy recipient (repeatable)", collect)
    .option("--subject <text>", "subject")
    .option("--text <text>", "plain-text body")
    .option("--html <html>", "HTML body")
    .option("--tag <tag>", "tag (repeatable)", collect)
    .option("--metadata <key=value>", "metadata entry (repeatable)", collect)
    .option("--template <id|name>", "a stored template to render")
    .option("--data <json|@file>", "the template's data: JSON, or @file")
    .option("--idempotency-key <key>", "dedupes retries across runs (one is made otherwise)")
    .action(
      action(async (context, options: Record<string, string | string[] | undefined>) => {
        const body: Record<string, unknown> =
          typeof options.file === "string"
            ? (jsonFile<Record<string, unknown>>(options.file) ?? {})
            : {};
        const flags: Record<string, unknown> = {
          from: options.from,
          to: options.to,
          cc: options.cc,
          bcc: options.bcc,
          subject: options.subject,
          text: options.text,
          html: options.html,
          tags: options.tag,
          metadata: options.metadata ? metadataOf(options.metadata as string[]) : undefined,
        };
        for (const [name, value] of Object.entries(flags)) {
          if (value !== undefined) {
            body[name] = value;
          }
        }
        if (typeof options.template === "string") {
          body.template = {
            id: options.template,
            ...(typeof options.data === "string" ? { data: jsonData(options.data) } : {}),
          };
        } else if (options.data !== undefined) {
          throw new UsageError("--data needs --template");
        }
        const sent = await context.client.messages.send(
          body as RequestBody<"sendMessage">,
          typeof options.idempotencyKey === "string"
            ? { idempotencyKey: options.idempotencyKey }
            : {},
        );
        context.print(sent, (answer) => `${answer.status} ${answer.id}`);
      }),
    );
}

interface MessageListOptions {
  status?: string[];
  to?: string;
  from?: string;
  tag?: string;
  provider?: string;
  since?: string;
  until?: string;
  limit?: number;
  cursor?: string;
}

/** Follows new messages: polls the newest-first list from `since` on, printing oldest first. */
async function tailMessages(
  context: Context,
  filters: MessageListOptions,
  intervalMs: number,
): Promise<never> {
  let since = filters.since ?? new Date().toISOString();
  // Messages created at `since` itself were printed already: `since` is inclusive.
  let printedAtSince = new Set<string>();
  for (;;) {
    const fresh: MessageSummary[] = [];
    for await (const message of context.client.messages.iterate({
      ...filters,
      since,
      limit: 100,
    } as Parameters<Mailroute["messages"]["iterate"]>[0])) {
      if (!printedAtSince.has(message.id)) {
        fresh.push(message);
      }
    }
    fresh.reverse();
    for (const message of fresh) {
      streamLine(context, messageColumns, message);
    }
    const newest = fresh[fresh.length - 1];
    if (newest && newest.createdAt !== since) {
      since = newest.createdAt;
      printedAtSince = new Set();
    }
    for (const message of fresh) {
      if (message.createdAt === since) {
        printedAtSince.add(message.id);
      }
    }
    await sleep(intervalMs);
  }
}

function messagesCommand(program: Command): void {
  const messages = program.command("messages").description("Read, cancel, release and follow");
  const filters = (command: Command) =>
    command
      .option("--status <status>", "only this status (repeatable)", collect)
      .option("--to <address>", "only to this recipient")
      .option("--from <address>", "only from this sender")
      .option("--tag <tag>", "only with this tag")
      .option("--provider <name>", "only sent through this provider")
      .option("--since <iso-date>", "created at or after");
  filters(messages.command("list").description("One page of messages, newest first"))
    .option("--until <iso-date>", "created before")
    .addOption(limitOption())
    .addOption(cursorOption())
    .action(
      action(async (context, options: MessageListOptions) => {
        const page = await context.client.messages.list(
          options as Parameters<Mailroute["messages"]["list"]>[0],
        );
        context.print(page, pageText(messageColumns));
      }),
    );
  messages
    .command("get <id>")
    .description("One message: status, recipients, attempts, events and routing")
    .action(
      action(async (context, id: string) => {
        const message = await context.client.messages.get(id);
        context.print(message, (detail) =>
          fields(
            Object.entries(detail).map(([name, value]): [string, unknown] => [
              name,
              name === "to" || name === "cc" || name === "bcc" ? emailsOf(value) : value,
            ]),
          ),
        );
      }),
    );
  for (const verb of ["cancel", "release"] as const) {
    messages
      .command(`${verb} <id>`)
      .description(
        verb === "cancel"
          ? "Cancel a message no provider has taken yet"
          : "Release a held message to the queue",
      )
      .action(
        action(async (context, id: string) => {
          const answer = await context.client.messages[verb](id);
          context.print(answer, (result) => `${result.status} ${result.id}`);
        }),
      );
  }
  filters(messages.command("tail").description("Follow new messages until Ctrl-C"))
    .option("--interval <ms>", "how often to poll", positiveInteger, 1000)
    .action(
      action(async (context, options: MessageListOptions & { interval: number }) => {
        const { interval, ...rest } = options;
        await tailMessages(context, rest, interval);
      }),
    );
}

function eventsCommand(program: Command): void {
  program
    .command("events")
    .description("The event feed")
    .command("tail")
    .description("Follow the event feed until Ctrl-C (from now, or from --after)")
    .option("--after <cursor>", "start after this event cursor")
    .option("--from-start", "print the whole feed first")
    .option("--message <id>", "only this message's events")
    .option("--type <type>", "only this event type (repeatable)", collect)
    .option("--interval <ms>", "how often to poll", positiveInteger, 1000)
    .action(
      action(
        async (
          context,
          options: {
            after?: string;
            fromStart?: boolean;
            message?: string;
            type?: string[];
            interval: number;
          },
        ) => {
          const filters = {
            ...(options.message ? { messageId: options.message } : {}),
            ...(options.type ? { type: options.type } : {}),
            limit: 100,
          } as Parameters<Mailroute["events"]["list"]>[0];
          let after = options.after;
          let printing = options.fromStart === true || after !== undefined;
          for (;;) {
            const page = await context.client.events.list({
              ...filters,
              ...(after ? { after } : {}),
            });
            if (printing) {
              for (const event of page.data) {
                streamLine(context, eventColumns, event);
              }
            }
            after = page.nextCursor ?? after;
            if (page.data.length === 0) {
              // Caught up: from here on, everything is new.
              printing = true;
              await sleep(options.interval);
            }
          }
        },
      ),
    );
}

function providersCommand(program: Command): void {
  const columns: Column<Provider>[] = [
    { header: "name", value: (provider) => provider.name },
    { header: "type", value: (provider) => provider.type },
    { header: "breaker", value: (provider) => provider.breaker },
    { header: "in flight", value: (provider) => provider.inFlight },
    { header: "misconfigured", value: (provider) => (provider.misconfigured ? "yes" : "") },
  ];
  program
    .command("providers")
    .description("Every configured provider: breaker, limits and recent outcomes")
    .action(
      action(async (context) => {
        const answer = await context.client.providers.list();
        context.print(answer, (list) => formatTable(columns, list.data));
      }),
    );
}

function routesCommand(program: Command): void {
  const routes = program.command("routes").description("The routing table");
  routes
    .command("get")
    .description("The routing table in force and where it comes from")
    .action(
      action(async (context) => {
        const answer = await context.client.routes.get();
        context.print(
          answer,
          (table) =>
            `source: ${table.source}${table.updatedAt ? `, updated ${table.updatedAt}` : ""}\n${JSON.stringify(table.routes, null, 2)}`,
        );
      }),
    );
  routes
    .command("put <file>")
    .description(
      "Replace the whole routing table with a JSON file ({ routes: [...] }, - for stdin)",
    )
    .action(
      action(async (context, file: string) => {
        const answer = await context.client.routes.put(jsonFile(file));
        context.print(answer, (table) => `routes replaced: ${table.routes.length} route(s)`);
      }),
    );
  routes
    .command("simulate <file>")
    .description("Which route and providers a message (a JSON file, - for stdin) would get now")
    .action(
      action(async (context, file: string) => {
        const answer = await context.client.routes.simulate(jsonFile(file));
        context.print(answer, (plan) =>
          fields([
            ["route", plan.route],
            ["plan", plan.plan.join(" → ")],
            ["skipped", plan.skipped],
          ]),
        );
      }),
    );
}

function suppressionsCommand(program: Command): void {
  const suppressions = program.command("suppressions").description("The suppression list");
  const columns: Column<Suppression>[] = [
    { header: "email", value: (row) => row.email },
    { header: "reason", value: (row) => row.reason },
    { header: "provider", value: (row) => row.provider },
    { header: "note", value: (row) => row.note },
    { header: "created", value: (row) => row.createdAt },
  ];
  suppressions
    .command("list")
    .description("One page of suppressed addresses")
    .option("--email <address>", "only this address")
    .addOption(limitOption())
    .addOption(cursorOption())
    .action(
      action(async (context, options: { email?: string; limit?: number; cursor?: string }) => {
        context.print(await context.client.suppressions.list(options), pageText(columns));
      }),
    );
  suppressions
    .command("add <email>")
    .description("Suppress an address (reason manual)")
    .option("--note <text>", "why")
    .action(
      action(async (context, email: string, options: { note?: string }) => {
        const added = await context.client.suppressions.add({ email, ...options });
        context.print(added, (row) => formatTable(columns, [row]));
      }),
    );
  suppressions
    .command("remove <email>")
    .description("Allow an address again")
    .action(
      action(async (context, email: string) => {
        await context.client.suppressions.remove(email);
        context.print({ email, removed: true }, () => `removed ${email}`);
      }),
    );
}

function templatesCommand(program: Command): void {
  const templates = program.command("templates").description("Stored templates");
  const columns: Column<TemplateSummary>[] = [
    { header: "id", value: (row) => row.id },
    { header: "name", value: (row) => row.name },
    { header: "kind", value: (row) => row.kind },
    { header: "version", value: (row) => row.version },
    { header: "updated", value: (row) => row.updatedAt },
  ];
  templates
    .command("list")
    .description("One page of templates")
    .addOption(limitOption())
    .addOption(cursorOption())
    .action(
      action(async (context, options: { limit?: number; cursor?: string }) => {
        context.print(await context.client.templates.list(options), pageText(columns));
      }),
    );
  templates
    .command("get <id>")
    .description("A template by id or name, its latest version or --version")
    .option("--version <n>", "an earlier version", positiveInteger)
    .action(
      action(async (context, id: string, options: { version?: number }) => {
        const template = await context.client.templates.get(id, options);
        context.print(template, (row) => fields(Object.entries(row)));
      }),
    );
  templates
    .command("put <name>")
    .description("Store a template from a JSON file: a new version, or version 1 of a new name")
    .requiredOption("--file <path>", "{ subject, html?, text?, kind?, strict? } (- for stdin)")
    .action(
      action(async (context, name: string, options: { file: string }) => {
        const body = jsonFile<RequestBody<"updateTemplate">>(options.file);
        let template: Awaited<ReturnType<Mailroute["templates"]["update"]>>;
        try {
          template = await context.client.templates.update(name, body);
        } catch (error) {
          if (!(error instanceof MailrouteError && error.status === 404)) {
            throw error;
          }
          template = await context.client.templates.create({ ...body, name });
        }
        context.print(template, (row) => `stored ${row.name} version ${row.version} (${row.id})`);
      }),
    );
  templates
    .command("render <id>")
    .description("Render a stored template with --data, sending nothing")
    .option("--data <json|@file>", "the data: JSON, or @file", "{}")
    .option("--version <n>", "an earlier version", positiveInteger)
    .action(
      action(async (context, id: string, options: { data: string; version?: number }) => {
        const rendered = await context.client.templates.render(id, {
          data: jsonData(options.data),
          ...(options.version ? { version: options.version } : {}),
        });
        context.print(rendered, (parts) =>
          [
            `Subject: ${parts.subject}`,
            parts.text === null ? "" : `\n${parts.text}`,
            parts.html === null ? "" : `\n${parts.html}`,
          ].join(""),
        );
      }),
    );
}

function webhooksCommand(program: Command): void {
  const webhooks = program.command("webhooks").description("Outbound webhook endpoints");
  const columns: Column<WebhookEndpoint>[] = [
    { header: "id", value: (row) => row.id },
    { header: "url", value: (row) => row.url, max: 50 },
    { header: "enabled", value: (row) => (row.enabled ? "yes" : `no ${row.disabledReason ?? ""}`) },
    { header: "events", value: (row) => row.eventTypes ?? "all" },
    { header: "failing since", value: (row) => row.failingSince },
  ];
  const endpointText = (row: WebhookEndpoint) =>
    `${formatTable(columns, [row])}${row.secret ? `\nsecret (shown once): ${row.secret}` : ""}`;
  webhooks
    .command("list")
    .description("Every webhook endpoint")
    .action(
      action(async (context) => {
        const answer = await context.client.webhookEndpoints.list();
        context.print(answer, (list) => formatTable(columns, list.data));
      }),
    );
  webhooks
    .command("create <endpoint-url>")
    .description("Add an endpoint; prints its signing secret once")
    .option("--event <type>", "only this event type (repeatable; every type otherwise)", collect)
    .option("--description <text>", "what it is for")
    .action(
      action(async (context, url: string, options: { event?: string[]; description?: string }) => {
        const created = await context.client.webhookEndpoints.create({
          url,
          ...(options.event
            ? {
                eventTypes: options.event as RequestBody<"createWebhookEndpoint">["eventTypes"],
              }
            : {}),
          ...(options.description ? { description: options.description } : {}),
        });
        context.print(created, endpointText);
      }),
    );
  webhooks
    .command("rotate <id>")
    .description("A new signing secret; the old one keeps signing for --grace seconds")
    .option("--grace <seconds>", "how long the old secret keeps signing", positiveInteger)
    .action(
      action(async (context, id: string, options: { grace?: number }) => {
        const rotated = await context.client.webhookEndpoints.rotateSecret(
          id,
          options.grace ? { graceSeconds: options.grace } : {},
        );
        context.print(rotated, endpointText);
      }),
    );
  webhooks
    .command("replay <id>")
    .description("Send one delivery (--delivery), or every delivery of --since..--until, again")
    .option("--delivery <id>", "one delivery")
    .option("--since <iso-date>", "window start")
    .option("--until <iso-date>", "window end")
    .action(
      action(
        async (
          context,
          id: string,
          options: { delivery?: string; since?: string; until?: string },
        ) => {
          const body = options.delivery
            ? { deliveryId: options.delivery }
            : options.since && options.until
              ? { since: options.since, until: options.until }
              : undefined;
          if (!body) {
            throw new UsageError("replay needs --delivery <id>, or --since and --until");
          }
          const answer = await context.client.webhookEndpoints.replay(
            id,
            body as RequestBody<"replayWebhookDeliveries">,
          );
          context.print(answer, (result) => `replayed ${result.replayed} deliveries`);
        },
      ),
    );
  const deliveryColumns: Column<WebhookDelivery>[] = [
    { header: "id", value: (row) => row.id },
    { header: "event", value: (row) => row.eventId },
    { header: "status", value: (row) => row.status },
    { header: "attempts", value: (row) => row.attempts },
    { header: "created", value: (row) => row.createdAt },
  ];
  webhooks
    .command("deliveries <id>")
    .description("One page of an endpoint's deliveries, newest first")
    .addOption(limitOption())
    .addOption(cursorOption())
    .action(
      action(async (context, id: string, options: { limit?: number; cursor?: string }) => {
        const page = await context.client.webhookEndpoints.deliveries(id, options);
        context.print(page, pageText(deliveryColumns));
      }),
    );
}

function scopesOf(given: string[] | undefined): ApiKeyScope[] {
  const scopes = given && given.length > 0 ? given : ["admin"];
  for (const scope of scopes) {
    if (!(apiKeyScopes as readonly string[]).includes(scope)) {
      throw new UsageError(`unknown scope '${scope}': use ${apiKeyScopes.join(", ")}`);
    }
  }
  return scopes as ApiKeyScope[];
}

function keysCommand(program: Command): void {
  const keys = program
    .command("keys")
    .description(
      "API keys, through the API, or in the configured database with --local (also what runs when no key is given, to make the first one)",
    );
  const columns: Column<ApiKey>[] = [
    { header: "id", value: (row) => row.id },
    { header: "name", value: (row) => row.name },
    { header: "prefix", value: (row) => `${row.prefix}…` },
    { header: "scopes", value: (row) => row.scopes },
    { header: "created", value: (row) => row.createdAt },
    { header: "last used", value: (row) => row.lastUsedAt ?? "never" },
  ];
  const local = (context: Context, options: { local?: boolean }) =>
    options.local === true || !context.options.key;
  const localOption = () => new Option("--local", "work on the configured database, not the API");
  keys
    .command("create")
    .description("Make a key; prints it once")
    .option("--name <name>", "what it is for", "cli")
    .option("--scope <scope>", `${apiKeyScopes.join("|")} (repeatable; admin by default)`, collect)
    .addOption(localOption())
    .action(
      action(async (context, options: { name: string; scope?: string[]; local?: boolean }) => {
        const input = { name: options.name, scopes: scopesOf(options.scope) };
        const created = local(context, options)
          ? await withLocalKeys((service) => service.create(input))
          : await context.client.apiKeys.create(input);
        context.print(
          created,
          (key) =>
            `Created API key "${key.name}" (${key.prefix}…, ${key.scopes.join(", ")}). Shown once:\n${key.key}`,
        );
      }),
    );
  keys
    .command("list")
    .description("Every key: name, prefix, scopes, created, last used (never the secret)")
    .addOption(localOption())
    .action(
      action(async (context, options: { local?: boolean }) => {
        const all: ApiKey[] = [];
        if (local(context, options)) {
          await withLocalKeys(async (service) => {
            let cursor: string | undefined;
            do {
              const page = await service.list({ limit: 100, cursor });
              all.push(...page.data);
              cursor = page.nextCursor ?? undefined;
            } while (cursor);
          });
        } else {
          for await (const key of context.client.apiKeys.iterate({ limit: 100 })) {
            all.push(key);
          }
        }
        context.print({ data: all, nextCursor: null }, (page) => formatTable(columns, page.data));
      }),
    );
  keys
    .command("revoke <id>")
    .description("Revoke a key at once")
    .addOption(localOption())
    .action(
      action(async (context, id: string, options: { local?: boolean }) => {
        if (local(context, options)) {
          await withLocalKeys((service) => service.revoke(id));
        } else {
          await context.client.apiKeys.revoke(id);
        }
        context.print({ id, revoked: true }, () => `Revoked API key ${id}.`);
      }),
    );
}

function capturesCommand(program: Command): void {
  const columns: Column<CapturedMessage>[] = [
    { header: "id", value: (row) => row.id },
    { header: "provider", value: (row) => row.provider },
    { header: "message", value: (row) => row.messageId },
    { header: "to", value: (row) => emailsOf((row.message as { to?: unknown }).to) },
    {
      header: "subject",
      value: (row) => (row.message as { subject?: unknown }).subject,
      max: 40,
    },
    { header: "captured", value: (row) => row.capturedAt },
  ];
  program
    .command("captures")
    .description("What the local capture provider received, newest first")
    .addOption(limitOption())
    .addOption(cursorOption())
    .action(
      action(async (context, options: { limit?: number; cursor?: string }) => {
        context.print(await context.client.captures.list(options), pageText(columns));
      }),
    );
}

function migrateCommand(program: Command): void {
  program
    .command("migrate")
    .description(
      "Apply the configured database's pending migrations (SQLite or PostgreSQL) and exit; needs no API key",
    )
    .action(
      action(async (context) => {
        const result = await migrateConfiguredDatabase();
        context.print(result, ({ database, applied }) =>
          applied === 0
            ? `${database} is up to date: no migration to apply.`
            : `Applied ${applied} migration${applied === 1 ? "" : "s"} to ${database}; it is up to date.`,
        );
      }),
    );
}

function programOf(): Command {
  const program = new Command("mailroute")
    .description("mailroute's API from the command line")
    // Set before the commands are added, so every command inherits them.
    .exitOverride()
    .showHelpAfterError("(--help for usage)")
    .addOption(
      new Option("--url <url>", "the mailroute to talk to")
        .env("MAILROUTE_URL")
        .default("http://localhost:3000"),
    )
    .addOption(new Option("--key <key>", "an API key (mr_…)").env("MAILROUTE_API_KEY"))
    .option("--json", "print the API's JSON (one document; one line per item for tail)");
  for (const add of [
    sendCommand,
    messagesCommand,
    eventsCommand,
    providersCommand,
    routesCommand,
    suppressionsCommand,
    templatesCommand,
    webhooksCommand,
    keysCommand,
    capturesCommand,
    migrateCommand,
  ]) {
    add(program);
  }
  return program;
}

function reportApiError(error: MailrouteError): void {
  const lines = [`mailroute: ${error.code}: ${error.message}`];
  for (const detail of error.details) {
    lines.push(`  ${detail.path}: ${detail.message}`);
  }
  if (error.requestId) {
    lines.push(`  request id: ${error.requestId}`);
  }
  process.stderr.write(`${lines.join("\n")}\n`);
}

async function main(): Promise<number> {
  try {
    await programOf().parseAsync(process.argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed the help (exit code 0: asked for) or the mistake already.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`mailroute: ${error.message}\n`);
      return 2;
    }
    if (error instanceof MailrouteError) {
      reportApiError(error);
      return 1;
    }
    // The local database's errors (e.g. revoking an unknown key) carry a code and a message too.
    const coded = error as { code?: unknown; message?: unknown };
    process.stderr.write(
      `mailroute: ${typeof coded.code === "string" ? `${coded.code}: ` : ""}${String(coded.message ?? error)}\n`,
    );
    return 1;
  }
}

main().then((code) => {
  process.exitCode = code;
});
