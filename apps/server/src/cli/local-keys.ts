import { createSqliteStore } from "@mailroute/store";
import { loadConfig } from "../config";
import { parseEnvironment } from "../env";
import { type ApiKeysService, createApiKeysService } from "../services/api-keys";

/**
 * Runs `work` on the API keys of the configured database (MAILROUTE_DATABASE, else the config's
 * `database`), the way the server itself opens it: how a first key is made before any exists.
 */
export async function withLocalKeys<T>(work: (keys: ApiKeysService) => Promise<T>): Promise<T> {
  const environment = parseEnvironment();
  const { config } = loadConfig(environment.MAILROUTE_CONFIG, process.env);
  const store = createSqliteStore({ path: environment.MAILROUTE_DATABASE ?? config.database });
  try {
    return await work(createApiKeysService({ store }));
  } finally {
    await store.close();
  }
}
