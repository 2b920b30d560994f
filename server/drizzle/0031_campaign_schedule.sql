ALTER TABLE "campaigns" ADD COLUMN "scheduled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "scheduled_by" text;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "schedule_error" text;