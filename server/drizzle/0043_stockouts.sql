CREATE TABLE "analytics_stockout_cursor" (
	"name" text PRIMARY KEY NOT NULL,
	"seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_stockouts" (
	"variant_id" text NOT NULL,
	"location_id" text NOT NULL,
	"out_at" timestamp with time zone NOT NULL,
	"back_at" timestamp with time zone,
	"first_day" date NOT NULL,
	"last_day" date,
	"daily_rate" real,
	CONSTRAINT "analytics_stockouts_variant_id_location_id_out_at_pk" PRIMARY KEY("variant_id","location_id","out_at")
);
--> statement-breakpoint
CREATE TABLE "checkout_refusals" (
	"refused_on" date NOT NULL,
	"variant_id" text NOT NULL,
	"location_id" text NOT NULL,
	"cart_id" text NOT NULL,
	"refused_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "checkout_refusals_variant_id_location_id_refused_on_cart_id_pk" PRIMARY KEY("variant_id","location_id","refused_on","cart_id")
);
--> statement-breakpoint
CREATE INDEX "analytics_stockouts_location_id_first_day_index" ON "analytics_stockouts" USING btree ("location_id","first_day");--> statement-breakpoint
CREATE INDEX "analytics_stockouts_last_day_index" ON "analytics_stockouts" USING btree ("last_day");--> statement-breakpoint
CREATE INDEX "checkout_refusals_refused_on_index" ON "checkout_refusals" USING btree ("refused_on");