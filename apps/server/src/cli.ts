import { parseArgs } from "node:util";
import { type ApiKeyScope, apiKeyScopes } from "@mailroute/core";
import { createSqliteStore } from "@mailroute/store";
import { loadConfig } from "./config";
import { parseEnvironment } from "./env";
import { createApiKeysService } from "./services/api-keys";

const usage = `usage: mailroute keys create [--name <name>] [--scope <admin|send|read>]...
       mailroute keys list
       mailroute keys revoke <id>

Manages the API keys of the configured database. 'create' prints the new key once; --scope may
be given more than once (admin when none is given).`;

/** A usage mistake: the usage is printed and the exit code is 2. */
class UsageError extends Error {}

function scopesOf(given: string[] | undefined): ApiKeyScope[] {
  const scopes = given && given.length > 0 ? given : ["admin"];
  for (const scope of scopes) {
    if (!(apiKeyScopes as readonly string[]).includes(scope)) {
      throw new UsageError(`unknown scope '${scope}': use ${apiKeyScopes.join(", ")}`);
    }
  }
  return scopes as ApiKeyScope[];
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: "string", default: "cli" },
      scope: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
  const [resource, verb, id] = positionals;
  const known =
    resource === "keys" &&
    (verb === "create" || verb === "list" || (verb === "revoke" && id !== undefined));
  if (values.help || !known) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const scopes = scopesOf(values.scope);
  const environment = parseEnvironment();
  const { config } = loadConfig(environment.MAILROUTE_CONFIG, process.env);
  const store = createSqliteStore({ path: environment.MAILROUTE_DATABASE ?? config.database });
  const keys = createApiKeysService({ store });
  try {
    if (verb === "create") {
      const created = await keys.create({ name: values.name, scopes });
      console.log(
        `Created API key "${created.name}" (${created.prefix}…, ${created.scopes.join(", ")}). Shown once:\n${created.key}`,
      );
    } else if (verb === "list") {
      let cursor: string | undefined;
      do {
        const page = await keys.list({ limit: 100, cursor });
        for (const key of page.data) {
          console.log(
            [
              key.id,
              key.name,
              `${key.prefix}…`,
              key.scopes.join(","),
              key.createdAt,
              key.lastUsedAt ?? "never",
            ].join("\t"),
          );
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    } else if (id !== undefined) {
      await keys.revoke(id);
      console.log(`Revoked API key ${id}.`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error("mailroute:", error instanceof Error ? error.message : error);
    if (error instanceof UsageError) {
      console.error(usage);
      process.exit(2);
    }
    process.exit(1);
  },
);
