ALTER TABLE "card_attempts" ADD COLUMN "checkout_input" jsonb;--> statement-breakpoint
ALTER TABLE "card_attempts" ADD COLUMN "acting_as" jsonb;