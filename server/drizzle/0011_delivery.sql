-- One delivery engine for every channel (platform/dispatcher.ts): the outbox row carries its own retry
-- schedule, lease and dead-letter mark, and webhooks are POSTed from it directly instead of being handed over
-- to webhook_deliveries first.
DROP INDEX "outbox_sent_at_id_index";--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "claim_token" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "dead_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "last_status" integer;--> statement-breakpoint
-- The old job gave up after 10 attempts without marking the row: those are dead letters now.
UPDATE "outbox" SET "dead_at" = now() WHERE "sent_at" IS NULL AND "attempts" >= 10;--> statement-breakpoint
-- A webhook handed over to webhook_deliveries keeps that delivery's state (one delivery per outbox row).
UPDATE "outbox" o SET "sent_at" = d."delivered_at", "dead_at" = d."failed_at", "attempts" = d."attempts",
       "next_attempt_at" = d."next_attempt_at", "last_status" = d."last_status", "last_error" = d."last_error"
  FROM "webhook_deliveries" d
 WHERE o."id" = d."outbox_id" AND o."channel" = 'webhook' AND o."recipient" = d."endpoint_id";--> statement-breakpoint
DROP TABLE "webhook_deliveries" CASCADE;--> statement-breakpoint
CREATE INDEX "outbox_due_idx" ON "outbox" USING btree ("next_attempt_at","id") WHERE sent_at IS NULL AND dead_at IS NULL;--> statement-breakpoint
CREATE INDEX "outbox_dead_idx" ON "outbox" USING btree ("dead_at") WHERE dead_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "outbox_recipient_idx" ON "outbox" USING btree ("channel","recipient","id");
