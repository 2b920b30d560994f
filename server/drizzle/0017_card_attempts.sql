CREATE TABLE "card_attempts" (
	"id" text PRIMARY KEY NOT NULL,
	"cart_id" text NOT NULL,
	"provider_key" text NOT NULL,
	"provider" text NOT NULL,
	"reservation_ids" jsonb NOT NULL,
	"status" text DEFAULT 'authorising' NOT NULL,
	"lease_until" timestamp with time zone NOT NULL,
	"charge_id" text,
	"order_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "card_attempts_open" ON "card_attempts" USING btree ("lease_until") WHERE status IN ('authorising', 'voiding');--> statement-breakpoint
CREATE INDEX "card_attempts_cart_id_index" ON "card_attempts" USING btree ("cart_id");--> statement-breakpoint
CREATE INDEX "card_attempts_created_at_index" ON "card_attempts" USING btree ("created_at");