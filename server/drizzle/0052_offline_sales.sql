CREATE TABLE "stock_reconciliations" (
	"id" text PRIMARY KEY NOT NULL,
	"variant_id" text NOT NULL,
	"location_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"reference" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" text
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "offline_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "stock_reconciliations" ADD CONSTRAINT "stock_reconciliations_variant_id_variants_id_fk" FOREIGN KEY ("variant_id") REFERENCES "public"."variants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_reconciliations" ADD CONSTRAINT "stock_reconciliations_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "stock_reconciliations_location_id_created_at_index" ON "stock_reconciliations" USING btree ("location_id","created_at");