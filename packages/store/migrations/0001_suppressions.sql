CREATE TABLE `suppressions` (
	`email` text PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`provider` text,
	`event_id` text,
	`message_id` text,
	`note` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `suppressions_created_idx` ON `suppressions` (`created_at`,`email`);