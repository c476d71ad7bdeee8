DROP INDEX `delivery_events_id_idx`;--> statement-breakpoint
DROP INDEX `delivery_events_dedupe_idx`;--> statement-breakpoint
CREATE UNIQUE INDEX `delivery_events_dedupe_idx` ON `delivery_events` (`provider`,`dedupe_key`) WHERE "delivery_events"."dedupe_key" is not null;--> statement-breakpoint
DROP INDEX `messages_provider_message_idx`;--> statement-breakpoint
CREATE INDEX `messages_provider_message_idx` ON `messages` (`provider_message_id`) WHERE "messages"."provider_message_id" is not null;--> statement-breakpoint
DROP INDEX `send_attempts_provider_message_idx`;--> statement-breakpoint
CREATE INDEX `send_attempts_provider_message_idx` ON `send_attempts` (`provider_message_id`) WHERE "send_attempts"."provider_message_id" is not null;