CREATE TABLE "scan_and_go_exit_passes" (
	"order_id" text PRIMARY KEY NOT NULL,
	"basket_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"location_id" text NOT NULL,
	"item_count" integer NOT NULL,
	"must_check" boolean NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"verified_at" timestamp with time zone,
	"verified_by" text
);
--> statement-breakpoint
CREATE TABLE "scan_and_go_baskets" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"location_id" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"order_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scan_and_go_lines" (
	"basket_id" text NOT NULL,
	"variant_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scan_and_go_lines_basket_id_variant_id_pk" PRIMARY KEY("basket_id","variant_id"),
	CONSTRAINT "scan_and_go_lines_quantity" CHECK ("scan_and_go_lines"."quantity" > 0 AND "scan_and_go_lines"."quantity" <= 99)
);
--> statement-breakpoint
CREATE TABLE "scan_and_go_settings" (
	"location_id" text PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"basket_cap" integer DEFAULT 30000 NOT NULL,
	"check_percent" integer DEFAULT 10 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "scan_and_go_settings_cap" CHECK ("scan_and_go_settings"."basket_cap" > 0 AND "scan_and_go_settings"."basket_cap" <= 10000000),
	CONSTRAINT "scan_and_go_settings_check" CHECK ("scan_and_go_settings"."check_percent" >= 0 AND "scan_and_go_settings"."check_percent" <= 100)
);
--> statement-breakpoint
ALTER TABLE "categories" ADD COLUMN "not_scan_and_go" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "scan_and_go_exit_passes" ADD CONSTRAINT "scan_and_go_exit_passes_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scan_and_go_exit_passes" ADD CONSTRAINT "scan_and_go_exit_passes_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scan_and_go_baskets" ADD CONSTRAINT "scan_and_go_baskets_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scan_and_go_baskets" ADD CONSTRAINT "scan_and_go_baskets_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scan_and_go_lines" ADD CONSTRAINT "scan_and_go_lines_basket_id_scan_and_go_baskets_id_fk" FOREIGN KEY ("basket_id") REFERENCES "public"."scan_and_go_baskets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scan_and_go_settings" ADD CONSTRAINT "scan_and_go_settings_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scan_and_go_exit_passes_location_id_issued_at_index" ON "scan_and_go_exit_passes" USING btree ("location_id","issued_at");--> statement-breakpoint
CREATE UNIQUE INDEX "scan_and_go_baskets_open" ON "scan_and_go_baskets" USING btree ("customer_id","location_id") WHERE "scan_and_go_baskets"."status" <> 'paid';