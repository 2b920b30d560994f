ALTER TABLE "business_profile" ADD COLUMN "logo" text;--> statement-breakpoint
ALTER TABLE "business_profile" ADD COLUMN "logo_updated_at" timestamp with time zone;