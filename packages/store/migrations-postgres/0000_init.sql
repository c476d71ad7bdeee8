CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"hash" text NOT NULL,
	"scopes" text DEFAULT '["admin"]' NOT NULL,
	"created_at" bigint NOT NULL,
	"last_used_at" bigint,
	"revoked_at" bigint,
	CONSTRAINT "api_keys_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE TABLE "captures" (
	"id" text PRIMARY KEY NOT NULL,
	"message_id" text NOT NULL,
	"provider" text NOT NULL,
	"requests" integer DEFAULT 1 NOT NULL,
	"captured_at" bigint NOT NULL,
	"summary" text NOT NULL,
	"payload" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delivery_events" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint,
	"written" bigserial NOT NULL,
	"message_id" text,
	"provider" text NOT NULL,
	"provider_type" text NOT NULL,
	"provider_message_id" text,
	"provider_event_id" text,
	"dedupe_key" text,
	"type" text NOT NULL,
	"bounce" text,
	"recipient" text,
	"occurred_at" bigint NOT NULL,
	"received_at" bigint NOT NULL,
	"reason" text,
	"smtp_code" integer,
	"enhanced_status" text,
	"url" text,
	"user_agent" text,
	"tags" text NOT NULL,
	"metadata" text NOT NULL,
	"raw" text
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"response_status" integer NOT NULL,
	"response_body" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	CONSTRAINT "idempotency_keys_scope_key_pk" PRIMARY KEY("scope","key")
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"message_id" text NOT NULL,
	"run_at" bigint NOT NULL,
	"lease_owner" text,
	"lease_until" bigint,
	"rounds" integer DEFAULT 0 NOT NULL,
	"pinned_provider" text,
	"created_at" bigint NOT NULL,
	CONSTRAINT "jobs_message_id_unique" UNIQUE("message_id")
);
--> statement-breakpoint
CREATE TABLE "message_tags" (
	"message_id" text NOT NULL,
	"tag" text NOT NULL,
	CONSTRAINT "message_tags_message_id_tag_pk" PRIMARY KEY("message_id","tag")
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"from_email" text NOT NULL,
	"subject" text NOT NULL,
	"envelope" text NOT NULL,
	"payload" text NOT NULL,
	"provider" text,
	"provider_message_id" text,
	"possible_duplicate" boolean DEFAULT false NOT NULL,
	"routing" text,
	"error" text,
	"send_at" bigint,
	"api_key_id" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recipients" (
	"message_id" text NOT NULL,
	"email" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "recipients_message_id_email_pk" PRIMARY KEY("message_id","email")
);
--> statement-breakpoint
CREATE TABLE "send_attempts" (
	"id" text PRIMARY KEY NOT NULL,
	"message_id" text NOT NULL,
	"job_id" text NOT NULL,
	"provider" text NOT NULL,
	"outcome" text NOT NULL,
	"started_at" bigint NOT NULL,
	"duration_ms" integer,
	"provider_message_id" text,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "suppressions" (
	"email" text PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"provider" text,
	"event_id" text,
	"message_id" text,
	"note" text,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "template_versions" (
	"template_id" text NOT NULL,
	"version" integer NOT NULL,
	"subject" text,
	"html" text,
	"text" text,
	"partials" text NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "template_versions_template_id_version_pk" PRIMARY KEY("template_id","version")
);
--> statement-breakpoint
CREATE TABLE "templates" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"strict" boolean NOT NULL,
	"latest_version" integer NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"deleted_at" bigint
);
--> statement-breakpoint
CREATE TABLE "webhook_attempts" (
	"id" text PRIMARY KEY NOT NULL,
	"delivery_id" text NOT NULL,
	"attempted_at" bigint NOT NULL,
	"status" integer,
	"duration_ms" integer NOT NULL,
	"response_excerpt" text NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"endpoint_id" text NOT NULL,
	"event_id" text NOT NULL,
	"event_seq" bigint NOT NULL,
	"event_type" text NOT NULL,
	"payload" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" bigint,
	"lease_owner" text,
	"lease_until" bigint,
	"last_status" integer,
	"last_error" text,
	"created_at" bigint NOT NULL,
	"delivered_at" bigint
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" text PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"description" text,
	"event_types" text,
	"enabled" boolean NOT NULL,
	"disabled_reason" text,
	"failing_since" bigint,
	"secret" text NOT NULL,
	"previous_secret" text,
	"previous_secret_expires_at" bigint,
	"start_seq" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_replay_keys" (
	"provider" text NOT NULL,
	"key" text NOT NULL,
	"body_digest" text,
	"expires_at" bigint NOT NULL,
	CONSTRAINT "webhook_replay_keys_provider_key_pk" PRIMARY KEY("provider","key")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "captures_message_idx" ON "captures" USING btree ("message_id","provider");--> statement-breakpoint
CREATE INDEX "captures_captured_idx" ON "captures" USING btree ("captured_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "delivery_events_seq_idx" ON "delivery_events" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "delivery_events_unsequenced_idx" ON "delivery_events" USING btree ("written") WHERE "delivery_events"."seq" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "delivery_events_dedupe_idx" ON "delivery_events" USING btree ("provider","dedupe_key") WHERE "delivery_events"."dedupe_key" is not null;--> statement-breakpoint
CREATE INDEX "delivery_events_message_idx" ON "delivery_events" USING btree ("message_id","occurred_at");--> statement-breakpoint
CREATE INDEX "delivery_events_type_idx" ON "delivery_events" USING btree ("type","seq");--> statement-breakpoint
CREATE INDEX "jobs_due_idx" ON "jobs" USING btree ("run_at");--> statement-breakpoint
CREATE INDEX "message_tags_tag_idx" ON "message_tags" USING btree ("tag","message_id");--> statement-breakpoint
CREATE INDEX "messages_status_created_idx" ON "messages" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "messages_created_idx" ON "messages" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "messages_provider_message_idx" ON "messages" USING btree ("provider_message_id") WHERE "messages"."provider_message_id" is not null;--> statement-breakpoint
CREATE INDEX "messages_from_idx" ON "messages" USING btree ("from_email","created_at");--> statement-breakpoint
CREATE INDEX "messages_api_key_idx" ON "messages" USING btree ("api_key_id","created_at");--> statement-breakpoint
CREATE INDEX "recipients_email_idx" ON "recipients" USING btree ("email","message_id");--> statement-breakpoint
CREATE INDEX "send_attempts_message_idx" ON "send_attempts" USING btree ("message_id","started_at");--> statement-breakpoint
CREATE INDEX "send_attempts_provider_idx" ON "send_attempts" USING btree ("provider","started_at");--> statement-breakpoint
CREATE INDEX "send_attempts_provider_message_idx" ON "send_attempts" USING btree ("provider_message_id") WHERE "send_attempts"."provider_message_id" is not null;--> statement-breakpoint
CREATE INDEX "suppressions_created_idx" ON "suppressions" USING btree ("created_at","email");--> statement-breakpoint
CREATE UNIQUE INDEX "templates_live_name_idx" ON "templates" USING btree ("name") WHERE "templates"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "templates_created_idx" ON "templates" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "webhook_attempts_delivery_idx" ON "webhook_attempts" USING btree ("delivery_id","attempted_at");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_event_idx" ON "webhook_deliveries" USING btree ("endpoint_id","event_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint_idx" ON "webhook_deliveries" USING btree ("endpoint_id","created_at");--> statement-breakpoint
CREATE INDEX "webhook_replay_keys_expires_idx" ON "webhook_replay_keys" USING btree ("expires_at");