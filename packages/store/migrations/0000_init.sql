CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE TABLE `captures` (
	`id` text PRIMARY KEY NOT NULL,
	`message_id` text NOT NULL,
	`provider` text NOT NULL,
	`payload` text NOT NULL,
	`requests` integer DEFAULT 1 NOT NULL,
	`captured_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `captures_message_idx` ON `captures` (`message_id`,`provider`);--> statement-breakpoint
CREATE TABLE `delivery_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`message_id` text,
	`provider` text NOT NULL,
	`provider_type` text NOT NULL,
	`provider_message_id` text,
	`provider_event_id` text,
	`dedupe_key` text,
	`type` text NOT NULL,
	`bounce` text,
	`recipient` text,
	`occurred_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`reason` text,
	`smtp_code` integer,
	`enhanced_status` text,
	`url` text,
	`user_agent` text,
	`tags` text NOT NULL,
	`metadata` text NOT NULL,
	`raw` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `delivery_events_id_idx` ON `delivery_events` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `delivery_events_dedupe_idx` ON `delivery_events` (`provider`,`dedupe_key`);--> statement-breakpoint
CREATE INDEX `delivery_events_message_idx` ON `delivery_events` (`message_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `delivery_events_type_idx` ON `delivery_events` (`type`,`seq`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`response_status` integer NOT NULL,
	`response_body` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`scope`, `key`)
);
--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`message_id` text NOT NULL,
	`run_at` integer NOT NULL,
	`lease_owner` text,
	`lease_until` integer,
	`rounds` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_message_id_unique` ON `jobs` (`message_id`);--> statement-breakpoint
CREATE INDEX `jobs_due_idx` ON `jobs` (`run_at`);--> statement-breakpoint
CREATE TABLE `message_tags` (
	`message_id` text NOT NULL,
	`tag` text NOT NULL,
	PRIMARY KEY(`message_id`, `tag`)
);
--> statement-breakpoint
CREATE INDEX `message_tags_tag_idx` ON `message_tags` (`tag`,`message_id`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`from_email` text NOT NULL,
	`subject` text NOT NULL,
	`envelope` text NOT NULL,
	`payload` text NOT NULL,
	`provider` text,
	`provider_message_id` text,
	`possible_duplicate` integer DEFAULT false NOT NULL,
	`routing` text,
	`error` text,
	`send_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `messages_status_created_idx` ON `messages` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `messages_created_idx` ON `messages` (`created_at`);--> statement-breakpoint
CREATE INDEX `messages_provider_message_idx` ON `messages` (`provider_message_id`);--> statement-breakpoint
CREATE INDEX `messages_from_idx` ON `messages` (`from_email`,`created_at`);--> statement-breakpoint
CREATE TABLE `recipients` (
	`message_id` text NOT NULL,
	`email` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`message_id`, `email`)
);
--> statement-breakpoint
CREATE INDEX `recipients_email_idx` ON `recipients` (`email`,`message_id`);--> statement-breakpoint
CREATE TABLE `send_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`message_id` text NOT NULL,
	`job_id` text NOT NULL,
	`provider` text NOT NULL,
	`outcome` text NOT NULL,
	`started_at` integer NOT NULL,
	`duration_ms` integer,
	`provider_message_id` text,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `send_attempts_message_idx` ON `send_attempts` (`message_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `send_attempts_provider_idx` ON `send_attempts` (`provider`,`started_at`);--> statement-breakpoint
CREATE INDEX `send_attempts_provider_message_idx` ON `send_attempts` (`provider_message_id`);