import type { MailStore, TemplateStore, WebhookOutboxStore } from "@mailroute/core";
import { startCheckpointer } from "./checkpointer";
import { openDatabase, type SqliteOptions } from "./open-database";
import { acceptMessage, acceptMessages, findEarlierAnswer } from "./repositories/accept-message";
import {
  countApiKeys,
  findApiKeyByHash,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
  touchApiKeys,
} from "./repositories/api-keys";
import { listCaptures, saveCapture } from "./repositories/captures";
import {
  cancelMessage,
  claimJobs,
  completeMessage,
  countAcceptedSince,
  countPendingJobs,
  dispatchQueueStats,
  finishAttempt,
  holdMessage,
  rejectRecipients,
  releaseMessage,
  retryLater,
  saveRouting,
  startAttempt,
} from "./repositories/dispatch-jobs";
import { listEvents } from "./repositories/event-feed";
import { writeHeartbeat } from "./repositories/heartbeat";
import { keepSetting } from "./repositories/kept-settings";
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
  addTemplateVersion,
  createTemplate,
  deleteTemplate,
  findTemplateByName,
  findTemplatesUsingPartial,
  getTemplate,
  getTemplateVersion,
  listTemplates,
} from "./repositories/templates";
import {
  claimDeliveries,
  countPendingDeliveries,
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
import { claimWebhookReplayKey } from "./repositories/webhook-replay-keys";
import { createWriteQueue } from "./write-queue";

/** The SQLite store: reads answer at once; writes are group-committed (see write-queue.ts). */
export interface SqliteStore extends MailStore, WebhookOutboxStore, TemplateStore {
  readonly kind: "sqlite";
  /** The file the store writes, or `:memory:`. */
  readonly path: string;
}

/** Opens the embedded SQLite database and returns the store over it. */
export function createSqliteStore(options: SqliteOptions): SqliteStore {
  const { sqlite, db, sync } = openDatabase(options);
  // A durable file is checkpointed from a worker thread between batches (see checkpointer.ts).
  const checkpointer = sync ? startCheckpointer(options.path) : null;
  if (checkpointer) {
    sqlite.pragma("wal_autocheckpoint = 0");
  }
  const write = createWriteQueue(db, {
    ...(sync ? { sync } : {}),
    // 4,096 frames: a WAL of about 16 MB. Under a steady write load the WAL only starts over
    // after such a catching-up checkpoint; at 64 MB the accept p99 at 50 connections was 2-3 ms
    // higher for the same throughput (three alternating runs each).
    ...(checkpointer
      ? { checkpoint: { run: checkpointer.run, due: () => checkpointer.frames() > 4096 } }
      : {}),
  });
  const run = <T>(work: () => T): Promise<T> => {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return {
    kind: "sqlite",
    path: options.path,
    acceptMessage: (input) => write((db) => acceptMessage(db, input)),
    // One write of the group commit for the whole batch: it commits, or fails, as one.
    acceptMessages: (input) => write((db) => acceptMessages(db, input)),
    findEarlierAnswer: (input) => run(() => findEarlierAnswer(db, input)),
    // A lost claim only means the job is claimed again; the attempt written before any provider
    // call is durable, and makes the claim before it durable too.
    claimJobs: (input) => write((db) => claimJobs(db, input), { durable: false }),
    startAttempt: (input) => write((db) => startAttempt(db, input)),
    finishAttempt: (attemptId, result) => write((db) => finishAttempt(db, attemptId, result)),
    saveRouting: (messageId, routing) => write((db) => saveRouting(db, messageId, routing)),
    completeMessage: (input) => write((db) => completeMessage(db, input)),
    retryLater: (input) => write((db) => retryLater(db, input)),
    getMessage: (id, apiKeyId) => run(() => getMessage(db, id, apiKeyId)),

    listMessages: (query) => run(() => listMessages(db, query)),

    providerStats: (since) => run(() => providerStats(db, since)),

    countPendingJobs: () => run(() => countPendingJobs(db)),
    dispatchQueueStats: (now) => run(() => dispatchQueueStats(db, now)),

    countApiKeys: () => run(() => countApiKeys(db)),

    insertApiKey: (key) => write((db) => insertApiKey(db, key)),
    findApiKeyByHash: (hash) => run(() => findApiKeyByHash(db, hash)),
    listApiKeys: (query) => run(() => listApiKeys(db, query)),
    revokeApiKey: (id, at) => write((db) => revokeApiKey(db, id, at)),
    // Only a hint to the operator: losing the last minute of it in a crash costs nothing.
    touchApiKeys: (uses) => write((db) => touchApiKeys(db, uses), { durable: false }),

    saveCapture: (input) => write((db) => saveCapture(db, input)),
    listCaptures: (query) => run(() => listCaptures(db, query)),

    recordProviderEvents: (input) => write((db) => recordProviderEvents(db, input)),
    // Not waiting for the fsync: the events of the same request are recorded next, durably, and
    // a durable commit later in the log makes this one durable too.
    claimWebhookReplayKey: (input) =>
      write((db) => claimWebhookReplayKey(db, input), { durable: false }),
    listEvents: (query) => run(() => listEvents(db, query)),

    findSuppressions: (emails) => run(() => findSuppressions(db, emails)),

    addSuppression: (input) => write((db) => addSuppression(db, input)),
    removeSuppression: (email) => write((db) => removeSuppression(db, email)),
    listSuppressions: (query) => run(() => listSuppressions(db, query)),

    rejectRecipients: (input) => write((db) => rejectRecipients(db, input)),
    holdMessage: (input) => write((db) => holdMessage(db, input)),
    releaseMessage: (messageId, at) => write((db) => releaseMessage(db, messageId, at)),
    cancelMessage: (messageId, at) => write((db) => cancelMessage(db, messageId, at)),
    countAcceptedSince: (since) => run(() => countAcceptedSince(db, since)),

    loadRoutes: () => run(() => loadRoutes(db)),

    saveRoutes: (routes, at) => write((db) => saveRoutes(db, routes, at)),
    keepSetting: (key, value, at) => write((db) => keepSetting(db, key, value, at)),
    createEndpoint: (input) => write((db) => createEndpoint(db, input)),
    listEndpoints: () => run(() => listEndpoints(db)),

    getEndpoint: (id) => run(() => getEndpoint(db, id)),

    updateEndpoint: (id, patch, at) => write((db) => updateEndpoint(db, id, patch, at)),
    deleteEndpoint: (id) => write((db) => deleteEndpoint(db, id)),
    rotateSecret: (id, secret, previousExpiresAt, at) =>
      write((db) => rotateSecret(db, id, secret, previousExpiresAt, at)),
    fanOutEvents: (limit, at) => write((db) => fanOutEvents(db, limit, at)),
    claimDeliveries: (input) => write((db) => claimDeliveries(db, input)),
    countPendingDeliveries: () => run(() => countPendingDeliveries(db)),
    recordDeliveryAttempt: (record) => write((db) => recordDeliveryAttempt(db, record)),
    listDeliveries: (endpointId, query) => run(() => listDeliveries(db, endpointId, query)),

    replayDeliveries: (endpointId, selection, at) =>
      write((db) => replayDeliveries(db, endpointId, selection, at)),
    createTemplate: (input) => write((db) => createTemplate(db, input)),
    addTemplateVersion: (input) => write((db) => addTemplateVersion(db, input)),
    getTemplate: (id) => run(() => getTemplate(db, id)),
    findTemplateByName: (name) => run(() => findTemplateByName(db, name)),
    getTemplateVersion: (id, version) => run(() => getTemplateVersion(db, id, version)),
    listTemplates: (query) => run(() => listTemplates(db, query)),
    findTemplatesUsingPartial: (name) => run(() => findTemplatesUsingPartial(db, name)),
    deleteTemplate: (id, at) => write((db) => deleteTemplate(db, id, at)),
    writeHeartbeat: (at) => write((db) => writeHeartbeat(db, at)),
    async close() {
      if (!sqlite.open) {
        return;
      }
      // Let writes already queued commit first.
      await write(() => undefined).catch(() => undefined);
      await sync?.close();
      await checkpointer?.close();
      if (sqlite.open) {
        sqlite.close();
      }
    },
  };
}
