import type { z } from "zod";
import { ConfigError } from "../errors/config-error";

/**
 * Validates a provider's (or its webhook's) settings against the provider's own schema and
 * returns the parsed value; on failure throws a ConfigError whose message is `label` (it names
 * the provider type and, where there is one, the configured name) and whose details list one
 * problem per zod issue, its path joined with dots (`allowedIps.0`, `failure.rate`).
 */
export function parseProviderSettings<Schema extends z.ZodType>(
  schema: Schema,
  settings: unknown,
  label: string,
): z.output<Schema> {
  const parsed = schema.safeParse(settings);
  if (!parsed.success) {
    throw new ConfigError(
      label,
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join("."),
        message: issue.message,
      })),
    );
  }
  return parsed.data;
}
