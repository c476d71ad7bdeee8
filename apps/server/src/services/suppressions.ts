import { MailrouteError, type MailStore, type Page, type Suppression } from "@mailroute/core";

/** Which suppressions a page holds. */
export type SuppressionQuery = Parameters<MailStore["listSuppressions"]>[0];

/** The suppression list every provider shares. */
export interface SuppressionsService {
  /** A page of suppressed addresses, newest first. */
  list(query: SuppressionQuery): Promise<Page<Suppression>>;
  /**
   * Suppresses an address by hand; an address already listed keeps its first entry.
   * `created` says whether this call added it.
   */
  add(input: { email: string; note?: string | undefined }): Promise<{
    entry: Suppression;
    created: boolean;
  }>;
  /** Lifts a suppression; NOT_FOUND when the address is not suppressed. */
  remove(email: string): Promise<void>;
}

/** Builds the suppressions service over the store. */
export function createSuppressionsService(dependencies: {
  store: Pick<
    MailStore,
    "listSuppressions" | "addSuppression" | "findSuppressions" | "removeSuppression"
  >;
}): SuppressionsService {
  const { store } = dependencies;
  return {
    list: (query) => store.listSuppressions(query),
    async add(input) {
      const created = await store.addSuppression({
        email: input.email,
        reason: "manual",
        provider: null,
        eventId: null,
        messageId: null,
        note: input.note ?? null,
        at: new Date(),
      });
      const [entry] = await store.findSuppressions([input.email]);
      if (!entry) {
        throw new MailrouteError("INTERNAL_ERROR", "suppression was not stored");
      }
      return { entry, created };
    },
    async remove(email) {
      if (!(await store.removeSuppression(email))) {
        throw new MailrouteError("NOT_FOUND", `${email} is not suppressed`);
      }
    },
  };
}
