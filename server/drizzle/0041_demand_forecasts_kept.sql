CREATE TABLE "analytics_demand_forecasts" (
	"location_id" text NOT NULL,
	"variant_id" text NOT NULL,
	"product_id" text NOT NULL,
	"method" text NOT NULL,
	"daily" jsonb NOT NULL,
	"units" real NOT NULL,
	"last28" integer NOT NULL,
	"sd28" real NOT NULL,
	CONSTRAINT "analytics_demand_forecasts_location_id_variant_id_pk" PRIMARY KEY("location_id","variant_id")
);
--> statement-breakpoint
CREATE TABLE "analytics_forecast_runs" (
	"name" text PRIMARY KEY NOT NULL,
	"from_date" date NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"items" integer NOT NULL,
	"accuracy" jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "analytics_demand_forecasts_location_id_units_index" ON "analytics_demand_forecasts" USING btree ("location_id","units");