ALTER TABLE "messages" ADD COLUMN "content_purged_at" bigint;--> statement-breakpoint
CREATE INDEX "delivery_events_raw_kept_idx" ON "delivery_events" USING btree ("received_at") WHERE "delivery_events"."raw" is not null;--> statement-breakpoint
CREATE INDEX "delivery_events_unmatched_idx" ON "delivery_events" USING btree ("received_at") WHERE "delivery_events"."message_id" is null;--> statement-breakpoint
CREATE INDEX "idempotency_keys_expires_idx" ON "idempotency_keys" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "messages_content_kept_idx" ON "messages" USING btree ("created_at") WHERE "messages"."content_purged_at" is null;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_finished_idx" ON "webhook_deliveries" USING btree ("created_at") WHERE "webhook_deliveries"."status" <> 'pending';