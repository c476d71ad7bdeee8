ALTER TABLE `api_keys` ADD `scopes` text DEFAULT '["admin"]' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `last_used_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `api_key_id` text;--> statement-breakpoint
CREATE INDEX `messages_api_key_idx` ON `messages` (`api_key_id`,`created_at`);