-- Written by hand: drizzle-kit's `ADD COLUMN ... NOT NULL` fails on a table with rows, and the
-- table is rebuilt anyway so that `payload` is its last column (see src/schema/captures.ts).
-- Each existing capture gets the summary saveCapture writes for new ones.
CREATE TABLE `__new_captures` (
	`id` text PRIMARY KEY NOT NULL,
	`message_id` text NOT NULL,
	`provider` text NOT NULL,
	`requests` integer DEFAULT 1 NOT NULL,
	`captured_at` integer NOT NULL,
	`summary` text NOT NULL,
	`payload` text NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_captures` (`id`, `message_id`, `provider`, `requests`, `captured_at`, `summary`, `payload`)
SELECT `id`, `message_id`, `provider`, `requests`, `captured_at`,
	json_object(
		'from', json_extract(`payload`, '$.from'),
		'to', json_extract(`payload`, '$.to'),
		'cc', json_extract(`payload`, '$.cc'),
		'bcc', json_extract(`payload`, '$.bcc'),
		'subject', json_extract(`payload`, '$.subject'),
		'attachments', (
			SELECT json_group_array(json_object(
				'filename', json_extract(`value`, '$.filename'),
				'contentType', json_extract(`value`, '$.contentType'),
				'contentId', json_extract(`value`, '$.contentId'),
				'size', length(json_extract(`value`, '$.content')) * 3 / 4
					- length(json_extract(`value`, '$.content'))
					+ length(rtrim(json_extract(`value`, '$.content'), '='))
			))
			FROM json_each(`payload`, '$.attachments')
		)
	),
	`payload`
FROM `captures`;
--> statement-breakpoint
DROP TABLE `captures`;--> statement-breakpoint
ALTER TABLE `__new_captures` RENAME TO `captures`;--> statement-breakpoint
CREATE UNIQUE INDEX `captures_message_idx` ON `captures` (`message_id`,`provider`);--> statement-breakpoint
CREATE INDEX `captures_captured_idx` ON `captures` (`captured_at`,`id`);
