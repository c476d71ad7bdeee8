import { afterEach, describe } from "vitest";
import { acceptContract } from "./accept";
import { byteBudgetContract } from "./byte-budgets";
import type { ContractStore } from "./contract-store";
import { dispatchContract } from "./dispatch";
import { holdsContract } from "./holds";
import { messageLogContract } from "./message-log";
import { providerEventsContract } from "./provider-events";
import { replayKeysContract } from "./replay-keys";
import { settingsContract } from "./settings";
import { templatesContract } from "./templates";
import { webhookOutboxContract } from "./webhook-outbox";

/**
 * The behaviour every store must have, through `MailStore`, `WebhookOutboxStore` and
 * `TemplateStore` only: run it from one test file per implementation. `open` gives a fresh,
 * empty store for each test; the suite closes every store it opened after each test.
 */
export function describeStoreContract(label: string, open: () => Promise<ContractStore>): void {
  // Some cases make a thousand writes one at a time: room for a store that commits each durably.
  describe(`${label}: the store contract`, { timeout: 30_000 }, () => {
    const opened: ContractStore[] = [];
    afterEach(async () => {
      for (const store of opened.splice(0)) {
        await store.close();
      }
    });
    const fresh = async () => {
      const store = await open();
      opened.push(store);
      return store;
    };
    acceptContract(fresh);
    dispatchContract(fresh);
    holdsContract(fresh);
    providerEventsContract(fresh);
    messageLogContract(fresh);
    byteBudgetContract(fresh);
    replayKeysContract(fresh);
    webhookOutboxContract(fresh);
    templatesContract(fresh);
    settingsContract(fresh);
  });
}
