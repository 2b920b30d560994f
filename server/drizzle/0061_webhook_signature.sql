-- Endpoints registered before Standard Webhooks keep the Musubi-Signature their receivers verify (legacy, one
-- release); the column's default then becomes 'standard' for every endpoint registered from now on.
ALTER TABLE "webhook_endpoints" ADD COLUMN "signature" text DEFAULT 'legacy' NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ALTER COLUMN "signature" SET DEFAULT 'standard';--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "previous_secret" text;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "previous_secret_until" timestamp with time zone;
