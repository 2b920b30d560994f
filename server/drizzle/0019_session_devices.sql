ALTER TABLE "customer_sessions" ADD COLUMN "user_agent" text;--> statement-breakpoint
ALTER TABLE "customer_sessions" ADD COLUMN "ip" text;--> statement-breakpoint
ALTER TABLE "customer_sessions" ADD COLUMN "last_seen_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "staff_sessions" ADD COLUMN "user_agent" text;--> statement-breakpoint
ALTER TABLE "staff_sessions" ADD COLUMN "ip" text;--> statement-breakpoint
ALTER TABLE "staff_sessions" ADD COLUMN "last_seen_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- Sessions opened before this migration: their last use is not known, so it reads as their sign-in.
UPDATE "customer_sessions" SET "last_seen_at" = "created_at";--> statement-breakpoint
UPDATE "staff_sessions" SET "last_seen_at" = "created_at";
