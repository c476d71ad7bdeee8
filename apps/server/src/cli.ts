import { parseArgs } from "node:util";
import { createSqliteStore } from "@mailroute/store";
import { loadConfig } from "./config";
import { parseEnvironment } from "./env";
import { createApiKey } from "./services/api-keys";

const usage = `usage: mailroute keys create [--name <name>]

Creates an API key in the configured database and prints it once.`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { name: { type: "string", default: "cli" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help || positionals[0] !== "keys" || positionals[1] !== "create") {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const environment = parseEnvironment();
  const { config } = loadConfig(environment.MAILROUTE_CONFIG, process.env);
  const store = createSqliteStore({ path: environment.MAILROUTE_DATABASE ?? config.database });
  try {
    const { key, record } = await createApiKey(store, values.name);
    console.log(`Created API key "${record.name}" (${record.prefix}…). Shown once:\n${key}`);
    return 0;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error("mailroute:", error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
