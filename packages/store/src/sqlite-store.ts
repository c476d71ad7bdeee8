import type { MailStore, WebhookOutboxStore } from "@mailroute/core";
import { openDatabase, type SqliteOptions } from "./open-database";
import { acceptMessage } from "./repositories/accept-message";
import { countApiKeys, findApiKeyByHash, insertApiKey } from "./repositories/api-keys";
import { listCaptures, saveCapture } from "./repositories/captures";
import {
  cancelMessage,
  claimJobs,
  completeMessage,
  countAcceptedSince,
  countPendingJobs,
  finishAttempt,
  holdMessage,
  rejectRecipients,
  releaseMessage,
  retryLater,
  saveRouting,
  startAttempt,
} from "./repositories/dispatch-jobs";
import { listEvents } from "./repositories/event-feed";
import { recordProviderEvents } from "./repositories/provider-events";
import { getMessage, listMessages, providerStats } from "./repositories/read-messages";
import { loadRoutes, saveRoutes } from "./repositories/routes-setting";
import {
  addSuppression,
  findSuppressions,
  listSuppressions,
  removeSuppression,
} from "./repositories/suppressions";
import {
  claimDeliveries,
  createEndpoint,
  deleteEndpoint,
  fanOutEvents,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  recordDeliveryAttempt,
  replayDeliveries,
  rotateSecret,
  updateEndpoint,
} from "./repositories/webhook-outbox";

/** The SQLite store: better-sqlite3 is synchronous, so each method resolves at once. */
export interface SqliteStore extends MailStore, WebhookOutboxStore {
  /** The file the store writes, or `:memory:`. */
  readonly path: string;
}

/** Opens the embedded SQLite database and returns the store over it. */
export function createSqliteStore(options: SqliteOptions): SqliteStore {
  const { sqlite, db } = openDatabase(options);
  const run = <T>(work: () => T): Promise<T> => {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return {
    path: options.path,
    acceptMessage: (input) => run(() => acceptMessage(db, input)),
    claimJobs: (input) => run(() => claimJobs(db, input)),
    startAttempt: (input) => run(() => startAttempt(db, input)),
    finishAttempt: (attemptId, result) => run(() => finishAttempt(db, attemptId, result)),
    saveRouting: (messageId, routing) => run(() => saveRouting(db, messageId, routing)),
    completeMessage: (input) => run(() => completeMessage(db, input)),
    retryLater: (input) => run(() => retryLater(db, input)),
    getMessage: (id) => run(() => getMessage(db, id)),
    listMessages: (query) => run(() => listMessages(db, query)),
    providerStats: (since) => run(() => providerStats(db, since)),
    countPendingJobs: () => run(() => countPendingJobs(db)),
    countApiKeys: () => run(() => countApiKeys(db)),
    insertApiKey: (key) => run(() => insertApiKey(db, key)),
    findApiKeyByHash: (hash) => run(() => findApiKeyByHash(db, hash)),
    saveCapture: (input) => run(() => saveCapture(db, input)),
    listCaptures: (query) => run(() => listCaptures(db, query)),
    recordProviderEvents: (input) => run(() => recordProviderEvents(db, input)),
    listEvents: (query) => run(() => listEvents(db, query)),
    findSuppressions: (emails) => run(() => findSuppressions(db, emails)),
    addSuppression: (input) => run(() => addSuppression(db, input)),
    removeSuppression: (email) => run(() => removeSuppression(db, email)),
    listSuppressions: (query) => run(() => listSuppressions(db, query)),
    rejectRecipients: (input) => run(() => rejectRecipients(db, input)),
    holdMessage: (input) => run(() => holdMessage(db, input)),
    releaseMessage: (messageId, at) => run(() => releaseMessage(db, messageId, at)),
    cancelMessage: (messageId, at) => run(() => cancelMessage(db, messageId, at)),
    countAcceptedSince: (since) => run(() => countAcceptedSince(db, since)),
    loadRoutes: () => run(() => loadRoutes(db)),
    saveRoutes: (routes, at) => run(() => saveRoutes(db, routes, at)),
    createEndpoint: (input) => run(() => createEndpoint(db, input)),
    listEndpoints: () => run(() => listEndpoints(db)),
    getEndpoint: (id) => run(() => getEndpoint(db, id)),
    updateEndpoint: (id, patch, at) => run(() => updateEndpoint(db, id, patch, at)),
    deleteEndpoint: (id) => run(() => deleteEndpoint(db, id)),
    rotateSecret: (id, secret, previousExpiresAt, at) =>
      run(() => rotateSecret(db, id, secret, previousExpiresAt, at)),
    fanOutEvents: (limit, at) => run(() => fanOutEvents(db, limit, at)),
    claimDeliveries: (input) => run(() => claimDeliveries(db, input)),
    recordDeliveryAttempt: (record) => run(() => recordDeliveryAttempt(db, record)),
    listDeliveries: (endpointId, query) => run(() => listDeliveries(db, endpointId, query)),
    replayDeliveries: (endpointId, selection, at) =>
      run(() => replayDeliveries(db, endpointId, selection, at)),
    close: () =>
      run(() => {
        if (sqlite.open) {
          sqlite.close();
        }
      }),
  };
}
