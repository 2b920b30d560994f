ALTER TABLE "customers" ADD COLUMN "pin_hash" text;--> statement-breakpoint
ALTER TABLE "password_reset_codes" ADD COLUMN "purpose" text DEFAULT 'password_reset' NOT NULL;