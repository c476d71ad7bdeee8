import type {
  AcceptMessageInput,
  AcceptOutcome,
  MailStore,
  TemplateStore,
  WebhookOutboxStore,
} from "@mailroute/core";
import type pg from "pg";
import { createGroupCommit } from "./group-commit";
import { channels, startListener, type WakeTopic } from "./listener";
import { migratePostgres } from "./migrate";
import type { PgClient } from "./pg-client";
import { createPool, redactUrl } from "./pool";
import {
  acceptMessage,
  acceptMessageBatch,
  acceptMessages,
  findEarlierAnswer,
} from "./repositories/accept-message";
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
import { createSequencer, hasUnsequencedEvents } from "./sequencer";
import { inTransaction, withClient } from "./transaction";

/** Settings of the PostgreSQL store. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`; never shown with its password. */
  url: string;
  /** Connections in the pool (10 unless given); the LISTEN connection is one more. */
  poolSize?: number;
  /** Apply pending migrations first, under the migration advisory lock (default true). */
  migrate?: boolean;
  /**
   * Told about failures of the store's background work (numbering events on its timer, the
   * LISTEN connection dropping); that work retries by itself. Nothing is told unless given.
   */
  onError?: (error: unknown) => void;
}

/** The PostgreSQL store: several mailroute instances can share its database. */
export interface PostgresStore extends MailStore, WebhookOutboxStore, TemplateStore {
  readonly kind: "postgres";
  /** The store's connection pool (shared provider state builds on it). */
  readonly pool: pg.Pool;
  watch(listener: (topic: WakeTopic) => void): () => void;
}

/** How often each instance numbers committed events nobody numbered (an instance died first). */
const sequenceIntervalMs = 500;

const notifyDispatchSql = `select pg_notify('${channels.dispatch}', '')`;

/**
 * Opens the PostgreSQL store at `options.url`: migrates (unless told not to), checks the
 * connection, and returns the store. Writes are one transaction each and answer after COMMIT
 * (`synchronous_commit = on`); accepts share transactions through the group commit; events enter
 * the feed through the ordering step after commit (see sequencer.ts).
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  if (options.migrate !== false) {
    await migratePostgres(options.url);
  }
  const pool = createPool({ url: options.url, size: options.poolSize });
  try {
    await pool.query("select 1");
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot connect to PostgreSQL at ${redactUrl(options.url)}`, { cause: error });
  }
  const onError = options.onError ?? (() => undefined);
  const sequencer = createSequencer(pool, onError);

  const read = <T>(work: (client: PgClient) => Promise<T>) => withClient(pool, work);
  const write = <T>(work: (client: PgClient) => Promise<T>) => inTransaction(pool, work);
  /**
   * A write answered at COMMIT without waiting for its WAL flush (`synchronous_commit = off` for
   * this transaction only): for writes whose loss in a crash of the database server is harmless
   * because nothing outside the database acts on them before a later durable commit, which
   * flushes them too. A dispatch claim is one: if it is lost, the job is simply claimed again.
   */
  const writeLazily = <T>(work: (client: PgClient) => Promise<T>) =>
    inTransaction(pool, async (client) => {
      await client.query("set local synchronous_commit = off");
      return work(client);
    });
  /**
   * A write that stores events: answered after its COMMIT and after the ordering step that
   * follows it, so the caller (and anyone it tells) finds the events in the feed at once. The
   * step failing does not fail the write: it is committed, and the next step numbers its events.
   */
  const writeEvents = async <T>(work: (client: PgClient) => Promise<T>) => {
    const value = await write(work);
    await sequencer.request();
    return value;
  };
  const notifyDispatch = (client: PgClient) => client.query(notifyDispatchSql);

  const accepts = createGroupCommit<AcceptMessageInput, AcceptOutcome>(pool, {
    runBatch: acceptMessageBatch,
    runOne: acceptMessage,
    // Delivered at COMMIT to every instance listening: a due message is dispatched at once.
    beforeCommit: async (client, inputs, outcomes) => {
      const due = inputs.some(
        (input, index) =>
          outcomes[index]?.ok &&
          (outcomes[index] as { value: AcceptOutcome }).value.kind === "accepted" &&
          input.runAt.getTime() <= input.acceptedAt.getTime(),
      );
      if (due) {
        await notifyDispatch(client);
      }
    },
  });

  // Events committed by an instance that died before numbering them are numbered by the others.
  const timer = setInterval(() => {
    hasUnsequencedEvents(pool).then(
      (waiting) => (waiting ? sequencer.request() : undefined),
      onError,
    );
  }, sequenceIntervalMs);
  timer.unref();

  const watchers = new Set<(topic: WakeTopic) => void>();
  let listener: ReturnType<typeof startListener> | null = null;
  let closed = false;

  return {
    kind: "postgres",
    pool,
    acceptMessage: async (input) => {
      const outcome = await accepts.submit(input);
      if (outcome.kind === "accepted") {
        await sequencer.request();
      }
      return outcome;
    },
    acceptMessages: (input) =>
      writeEvents(async (client) => {
        const outcome = await acceptMessages(client, input);
        if (
          outcome.kind === "accepted" &&
          input.messages.some((item) => item.runAt.getTime() <= input.acceptedAt.getTime())
        ) {
          await notifyDispatch(client);
        }
        return outcome;
      }),
    findEarlierAnswer: (input) => read((client) => findEarlierAnswer(client, input)),
    // The attempt written before any provider call is durable, and makes the claim durable too.
    claimJobs: (input) => writeLazily((client) => claimJobs(client, input)),
    startAttempt: (input) => write((client) => startAttempt(client, input)),
    finishAttempt: (attemptId, result) =>
      write((client) => finishAttempt(client, attemptId, result)),
    saveRouting: (messageId, routing) => write((client) => saveRouting(client, messageId, routing)),
    completeMessage: (input) => writeEvents((client) => completeMessage(client, input)),
    retryLater: (input) =>
      write(async (client) => {
        await retryLater(client, input);
        if (input.runAt.getTime() <= Date.now()) {
          await notifyDispatch(client);
        }
      }),
    holdMessage: (input) => write((client) => holdMessage(client, input)),
    releaseMessage: (messageId, at) =>
      write(async (client) => {
        const released = await releaseMessage(client, messageId, at);
        if (released) {
          await notifyDispatch(client);
        }
        return released;
      }),
    cancelMessage: (messageId, at) => writeEvents((client) => cancelMessage(client, messageId, at)),
    rejectRecipients: (input) => writeEvents((client) => rejectRecipients(client, input)),
    countAcceptedSince: (since) => read((client) => countAcceptedSince(client, since)),
    getMessage: (id, apiKeyId) => read((client) => getMessage(client, id, apiKeyId)),
    listMessages: (query) => read((client) => listMessages(client, query)),
    providerStats: (since) => read((client) => providerStats(client, since)),
    countPendingJobs: () => read((client) => countPendingJobs(client)),
    dispatchQueueStats: (now) => read((client) => dispatchQueueStats(client, now)),
    recordProviderEvents: (input) => writeEvents((client) => recordProviderEvents(client, input)),
    listEvents: (query) => read((client) => listEvents(client, query)),
    writeHeartbeat: (at) => write((client) => writeHeartbeat(client, at)),

    // The repositories below are the ones of api-keys, captures, suppressions, templates,
    // webhook-outbox, webhook-replay-keys, kept-settings and routes-setting.
    countApiKeys: () => read((client) => countApiKeys(client)),
    insertApiKey: (key) => write((client) => insertApiKey(client, key)),
    findApiKeyByHash: (hash) => read((client) => findApiKeyByHash(client, hash)),
    listApiKeys: (query) => read((client) => listApiKeys(client, query)),
    revokeApiKey: (id, at) => write((client) => revokeApiKey(client, id, at)),
    // Only a hint to the operator: losing the last minute of it in a crash costs nothing.
    touchApiKeys: (uses) => writeLazily((client) => touchApiKeys(client, uses)),
    saveCapture: (input) => write((client) => saveCapture(client, input)),
    listCaptures: (query) => read((client) => listCaptures(client, query)),
    // The events of the same request are recorded next, durably, which flushes this too.
    claimWebhookReplayKey: (input) => writeLazily((client) => claimWebhookReplayKey(client, input)),
    findSuppressions: (emails) => read((client) => findSuppressions(client, emails)),
    addSuppression: (input) => write((client) => addSuppression(client, input)),
    removeSuppression: (email) => write((client) => removeSuppression(client, email)),
    listSuppressions: (query) => read((client) => listSuppressions(client, query)),
    loadRoutes: () => read((client) => loadRoutes(client)),
    saveRoutes: (routes, at) => write((client) => saveRoutes(client, routes, at)),
    keepSetting: (key, value, at) => write((client) => keepSetting(client, key, value, at)),
    createEndpoint: (input) => write((client) => createEndpoint(client, input)),
    listEndpoints: () => read((client) => listEndpoints(client)),
    getEndpoint: (id) => read((client) => getEndpoint(client, id)),
    updateEndpoint: (id, patch, at) => write((client) => updateEndpoint(client, id, patch, at)),
    deleteEndpoint: (id) => write((client) => deleteEndpoint(client, id)),
    rotateSecret: (id, secret, previousExpiresAt, at) =>
      write((client) => rotateSecret(client, id, secret, previousExpiresAt, at)),
    fanOutEvents: (limit, at) => write((client) => fanOutEvents(client, limit, at)),
    claimDeliveries: (input) => write((client) => claimDeliveries(client, input)),
    countPendingDeliveries: () => read((client) => countPendingDeliveries(client)),
    recordDeliveryAttempt: (record) => write((client) => recordDeliveryAttempt(client, record)),
    listDeliveries: (endpointId, query) =>
      read((client) => listDeliveries(client, endpointId, query)),
    replayDeliveries: (endpointId, selection, at) =>
      write(async (client) => {
        const count = await replayDeliveries(client, endpointId, selection, at);
        if (count > 0) {
          // Deliveries are due again: the outbound workers of every instance may start at once.
          await client.query(`select pg_notify('${channels.outbound}', '')`);
        }
        return count;
      }),
    createTemplate: (input) => write((client) => createTemplate(client, input)),
    addTemplateVersion: (input) => write((client) => addTemplateVersion(client, input)),
    getTemplate: (id) => read((client) => getTemplate(client, id)),
    findTemplateByName: (name) => read((client) => findTemplateByName(client, name)),
    getTemplateVersion: (id, version) => read((client) => getTemplateVersion(client, id, version)),
    listTemplates: (query) => read((client) => listTemplates(client, query)),
    findTemplatesUsingPartial: (name) => read((client) => findTemplatesUsingPartial(client, name)),
    deleteTemplate: (id, at) => write((client) => deleteTemplate(client, id, at)),

    watch(callback) {
      watchers.add(callback);
      if (!listener && !closed) {
        listener = startListener(
          options.url,
          (topic) => {
            for (const watcher of watchers) {
              watcher(topic);
            }
          },
          onError,
        );
      }
      return () => {
        watchers.delete(callback);
      };
    },

    async close() {
      if (closed) {
        return;
      }
      closed = true;
      clearInterval(timer);
      await accepts.idle();
      await sequencer.idle();
      await listener?.close();
      watchers.clear();
      await pool.end();
    },
  };
}
