import { type ApiKeysService, createApiKeysService } from "../services/api-keys";
import { openConfiguredStore } from "./configured-database";

/**
 * Runs `work` on the API keys of the configured database (MAILROUTE_DATABASE, DATABASE_URL, else
 * the config's `database`), the way the server itself opens it: how a first key is made before
 * any exists.
 */
export async function withLocalKeys<T>(work: (keys: ApiKeysService) => Promise<T>): Promise<T> {
  const store = await openConfiguredStore();
  try {
    return await work(createApiKeysService({ store }));
  } finally {
    await store.close();
  }
}
