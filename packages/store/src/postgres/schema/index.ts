/**
 * The PostgreSQL schema: the same tables and columns as the SQLite one (src/schema), so both
 * stores read and write the same rows. Timestamps are integer milliseconds (`bigint`, read as
 * numbers); JSON columns stay `text`, written and read whole as on SQLite; flags are `boolean`.
 * delivery_events differs in one way: see its file.
 */
export { apiKeys } from "./api-keys";
export { captures } from "./captures";
export { deliveryEvents } from "./delivery-events";
export { idempotencyKeys } from "./idempotency-keys";
export { jobs } from "./jobs";
export { messageTags } from "./message-tags";
export { messages } from "./messages";
export {
  providerBreakers,
  providerDailyCounts,
  providerRateBuckets,
  providerStalls,
} from "./provider-coordination";
export { recipients } from "./recipients";
export { sendAttempts } from "./send-attempts";
export { settings } from "./settings";
export { suppressions } from "./suppressions";
export { templates, templateVersions } from "./templates";
export { webhookAttempts, webhookDeliveries } from "./webhook-deliveries";
export { webhookEndpoints } from "./webhook-endpoints";
export { webhookReplayKeys } from "./webhook-replay-keys";
