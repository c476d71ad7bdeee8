import { existsSync, readFileSync } from "node:fs";
import {
  ambiguousPolicies,
  breakerSettingsSchema,
  ConfigError,
  canSend,
  findUnknownProviders,
  findUnusableDefaults,
  providerLimitsSchema,
  providerTypes,
  retryPolicySchema,
  routesSchema,
} from "@mailroute/core";
import { z } from "zod";
import { databaseProblem } from "./database";
import { formatIssues, formatPath } from "./format-issues";

const providerEntrySchema = z.looseObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "must be lowercase letters, digits, - or _"),
  type: z.enum(providerTypes),
  /** Rate limit and daily quota; a provider past either is skipped and the next one takes over. */
  limits: providerLimitsSchema.optional(),
});

/** The configuration file, validated; provider settings are checked again by each adapter. */
export const configSchema = z
  .object({
    providers: z.array(providerEntrySchema).default([]),
    routes: routesSchema.default([]),
    /** The SQLite file (the default), or a `postgres://` URL; see {@link selectDatabase}. */
    database: z
      .string()
      .min(1)
      .default("./data/mailroute.db")
      .superRefine((value, context) => {
        const problem = databaseProblem(value);
        if (problem) {
          context.addIssue({ code: "custom", message: problem });
        }
      }),
    /** Settings used only when `database` is a PostgreSQL URL. */
    postgres: z
      .object({
        /** Connections each instance holds open (its pool; one more listens for wake-ups). */
        poolSize: z.number().int().min(1).max(1000).optional(),
        /**
         * Applies pending migrations at start (the default; several instances starting together
         * migrate once, under an advisory lock). `false` leaves it to `mailroute migrate`.
         */
        migrateOnStart: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** `full` (default) fsyncs each commit so an acknowledged message survives power loss. */
    synchronous: z.enum(["full", "normal"]).default("full"),
    retry: retryPolicySchema.prefault({}),
    onAmbiguous: z.enum(ambiguousPolicies).default("failover"),
    breaker: breakerSettingsSchema.prefault({}),
    dispatch: z
      .object({
        /**
         * Messages dispatched at once. Each waits for two durable writes besides its provider
         * call, so a few dozen in flight keep one core busy; 64 measured faster than 32.
         */
        concurrency: z.number().int().min(1).max(1000).default(64),
        /** How often an idle worker looks for due jobs (it is also woken on every accept). */
        pollIntervalMs: z.number().int().min(10).default(250),
        /** Longest one provider call may take; then it is abandoned as ambiguous. */
        attemptTimeoutMs: z.number().int().min(100).default(15_000),
        /** Extra lease time beyond one call, after which a crashed worker's job is claimed again. */
        leaseMarginMs: z.number().int().min(100).default(15_000),
      })
      .strict()
      .prefault({}),
    outbound: z
      .object({
        concurrency: z.number().int().min(1).max(200).default(8),
        pollIntervalMs: z.number().int().min(10).default(500),
        timeoutMs: z.number().int().min(100).max(60_000).default(15_000),
        leaseMs: z.number().int().min(1000).default(60_000),
        /** Lets endpoints on loopback addresses receive webhooks (development and tests). */
        allowLoopback: z.boolean().default(false),
        /** Lets endpoints on private networks receive webhooks (RFC 1918, ULA, CGNAT). */
        allowPrivate: z.boolean().default(false),
        retryScheduleMs: z.array(z.number().int().min(0)).min(1).optional(),
      })
      .strict()
      .prefault({}),
    server: z
      .object({
        bodyLimitBytes: z
          .number()
          .int()
          .min(1024)
          .default(10 * 1024 * 1024),
        /** How far ahead `sendAt` may be; a later one is refused with 400. */
        sendAtHorizonDays: z.number().int().min(1).max(3650).default(30),
        /**
         * The public base URL where recipients reach this mailroute (`https://mail.example.com`);
         * one-click unsubscribe links are `{publicUrl}/u/{token}`. Without it `unsubscribe: true`
         * answers 422.
         */
        publicUrl: z
          .url({
            protocol: /^https?$/,
            error: "must be an http(s) URL such as https://mail.example.com",
          })
          .refine((value) => {
            // Runs after a failed URL check too; that failure has already been reported.
            const url = URL.canParse(value) ? new URL(value) : null;
            return !url || (url.search === "" && url.hash === "" && url.username === "");
          }, "must be a base URL without query, fragment or credentials")
          .optional(),
        /**
         * Signs the unsubscribe tokens (HMAC-SHA256); without it a secret is generated once and
         * kept in the database, shared by every instance on it. Write it as `env:NAME`.
         */
        unsubscribeSecret: z.string().min(32, "must be at least 32 characters").optional(),
      })
      .strict()
      .prefault({}),
    metrics: z
      .object({
        /**
         * The bearer token `GET /metrics` requires (write it as `env:NAME`); without it `/metrics`
         * answers loopback requests only.
         */
        token: z.string().min(16, "must be at least 16 characters").optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** The configuration with defaults applied and secrets resolved. */
export type MailrouteConfig = z.output<typeof configSchema>;

/** Replaces every `"env:NAME"` string with that variable's value; a missing variable is an error. */
export function resolveSecrets(
  value: unknown,
  variables: Record<string, string | undefined>,
  path: string,
  problems: { path: string; message: string }[],
): unknown {
  if (typeof value === "string" && value.startsWith("env:")) {
    const name = value.slice(4);
    const resolved = variables[name];
    if (resolved === undefined || resolved === "") {
      problems.push({ path, message: `environment variable ${name} is not set` });
    }
    return resolved ?? "";
  }
  if (Array.isArray(value)) {
    return value.map((item, index) =>
      resolveSecrets(item, variables, `${path}[${index}]`, problems),
    );
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        resolveSecrets(item, variables, path ? `${path}.${key}` : key, problems),
      ]),
    );
  }
  return value;
}

/** Validates a parsed configuration object; no providers means one local `capture` provider. */
export function parseConfig(
  raw: unknown,
  variables: Record<string, string | undefined> = {},
): MailrouteConfig {
  const problems: { path: string; message: string }[] = [];
  const resolved = resolveSecrets(raw, variables, "", problems);
  if (problems.length > 0) {
    throw new ConfigError("configuration refers to missing environment variables", problems);
  }
  const parsed = configSchema.safeParse(resolved);
  if (!parsed.success) {
    throw new ConfigError("configuration is invalid", formatIssues(parsed.error.issues));
  }
  const config = parsed.data;
  if (config.providers.length === 0) {
    config.providers = [{ name: "capture", type: "capture" }];
  }
  const names = config.providers.map((provider) => provider.name);
  // Webhook-only providers (ses, resend…) receive events but cannot be routed to.
  const senders = config.providers
    .filter((provider) => canSend(provider.type))
    .map((provider) => provider.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) {
    throw new ConfigError("configuration is invalid", [
      { path: "providers", message: `duplicate provider name "${duplicate}"` },
    ]);
  }
  if (config.routes.length === 0) {
    config.routes = [{ name: "default", strategy: "priority", providers: senders }];
  }
  const unknown = [
    ...findUnknownProviders(config.routes, senders),
    ...findUnusableDefaults(config.routes, { unsubscribe: config.server.publicUrl !== undefined }),
  ];
  if (unknown.length > 0) {
    throw new ConfigError(
      "configuration is invalid",
      unknown.map((problem) => ({
        path: formatPath(["routes", ...problem.path]),
        message: problem.message,
      })),
    );
  }
  return config;
}

/** Reads the configuration file named by MAILROUTE_CONFIG, or `./mailroute.config.json` if present. */
export function loadConfig(
  path: string | undefined,
  variables: Record<string, string | undefined>,
): { config: MailrouteConfig; source: string | null } {
  const file = path ?? (existsSync("mailroute.config.json") ? "mailroute.config.json" : undefined);
  if (!file) {
    return { config: parseConfig({}, variables), source: null };
  }
  if (!existsSync(file)) {
    throw new ConfigError(`configuration file ${file} does not exist`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(
      `configuration file ${file} is not valid JSON: ${(error as Error).message}`,
    );
  }
  return { config: parseConfig(raw, variables), source: file };
}
