CREATE TABLE `webhook_replay_keys` (
	`provider` text NOT NULL,
	`key` text NOT NULL,
	`body_digest` text,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`provider`, `key`)
);
--> statement-breakpoint
CREATE INDEX `webhook_replay_keys_expires_idx` ON `webhook_replay_keys` (`expires_at`);