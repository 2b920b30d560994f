ALTER TABLE "campaigns" ADD COLUMN "store_scope" text[];--> statement-breakpoint
ALTER TABLE "segments" ADD COLUMN "store_scope" text[];