CREATE TABLE "restock_wishes" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"variant_id" text NOT NULL,
	"location_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"notified_at" timestamp with time zone,
	"campaign_id" text,
	"outcome" text,
	"occasion" text
);
--> statement-breakpoint
ALTER TABLE "restock_wishes" ADD CONSTRAINT "restock_wishes_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restock_wishes" ADD CONSTRAINT "restock_wishes_variant_id_variants_id_fk" FOREIGN KEY ("variant_id") REFERENCES "public"."variants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restock_wishes" ADD CONSTRAINT "restock_wishes_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "restock_wishes_waiting" ON "restock_wishes" USING btree ("customer_id","variant_id",coalesce("location_id", '')) WHERE "restock_wishes"."notified_at" IS NULL;--> statement-breakpoint
CREATE INDEX "restock_wishes_waiting_by_variant" ON "restock_wishes" USING btree ("variant_id","location_id") WHERE "restock_wishes"."notified_at" IS NULL;--> statement-breakpoint
CREATE INDEX "restock_wishes_variant_id_occasion_index" ON "restock_wishes" USING btree ("variant_id","occasion");--> statement-breakpoint
CREATE INDEX "restock_wishes_customer_id_index" ON "restock_wishes" USING btree ("customer_id");