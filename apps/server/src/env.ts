import { z } from "zod";
import { databaseProblem, parseDatabaseTarget } from "./database";

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  /** Path of the configuration file; default `./mailroute.config.json` when it exists. */
  MAILROUTE_CONFIG: z
    .string()
    .optional()
    .transform((value) => value || undefined),
  /** Overrides the configuration's `database`: a SQLite file path or a `postgres://` URL. */
  MAILROUTE_DATABASE: z
    .string()
    .optional()
    .transform((value) => value || undefined)
    .superRefine((value, context) => {
      const problem = value === undefined ? null : databaseProblem(value);
      if (problem) {
        context.addIssue({ code: "custom", message: problem });
      }
    }),
  /** A `postgres://` URL, as hosting platforms set it; MAILROUTE_DATABASE wins over it. */
  DATABASE_URL: z
    .string()
    .optional()
    .transform((value) => value || undefined)
    .superRefine((value, context) => {
      if (value === undefined) {
        return;
      }
      const problem =
        databaseProblem(value) ??
        (parseDatabaseTarget(value).kind === "sqlite"
          ? "must be a postgres:// URL (a SQLite file goes in MAILROUTE_DATABASE or `database`)"
          : null);
      if (problem) {
        context.addIssue({ code: "custom", message: problem });
      }
    }),
  /** Accepted as an admin API key, for automation and first start. */
  MAILROUTE_API_KEY: z.string().min(16, "must be at least 16 characters").optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** `json` (one JSON object a line, for machines) or `pretty` (for a terminal; needs pino-pretty). */
  LOG_FORMAT: z.enum(["json", "pretty"]).default("json"),
});

/** The environment mailroute reads, parsed once at start-up. */
export type Environment = z.output<typeof environmentSchema>;

/** Parses `process.env` (or the given variables), listing every problem at once. */
export function parseEnvironment(
  variables: Record<string, string | undefined> = process.env,
): Environment {
  const parsed = environmentSchema.safeParse(variables);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".")}: ${issue.message}`,
    );
    throw new Error(`invalid environment:\n  ${problems.join("\n  ")}`);
  }
  return parsed.data;
}
