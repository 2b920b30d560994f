CREATE TABLE "wallet_top_ups" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"key" text NOT NULL,
	"method" text NOT NULL,
	"amount" integer NOT NULL,
	"status" text NOT NULL,
	"channel" text NOT NULL,
	"location_id" text,
	"staff_id" text,
	"cash_received" integer,
	"change" integer,
	"provider" text,
	"provider_key" text,
	"charge_id" text,
	"card_last4" text,
	"failure" text,
	"entry_id" text,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "wallet_top_ups_amount" CHECK ("wallet_top_ups"."amount" > 0)
);
--> statement-breakpoint
ALTER TABLE "wallet_top_ups" ADD CONSTRAINT "wallet_top_ups_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "wallet_top_ups_key_index" ON "wallet_top_ups" USING btree ("key");--> statement-breakpoint
CREATE INDEX "wallet_top_ups_customer_id_status_index" ON "wallet_top_ups" USING btree ("customer_id","status");--> statement-breakpoint
CREATE INDEX "wallet_top_ups_location_id_completed_at_index" ON "wallet_top_ups" USING btree ("location_id","completed_at");--> statement-breakpoint
CREATE INDEX "wallet_top_ups_pending" ON "wallet_top_ups" USING btree ("lease_until") WHERE status = 'pending';