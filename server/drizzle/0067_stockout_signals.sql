CREATE TABLE "analytics_stockout_signals" (
	"variant_id" text NOT NULL,
	"location_id" text NOT NULL,
	"day" date NOT NULL,
	"views" integer NOT NULL,
	"refused" integer NOT NULL,
	"requests" integer NOT NULL,
	CONSTRAINT "analytics_stockout_signals_variant_id_location_id_day_pk" PRIMARY KEY("variant_id","location_id","day")
);
--> statement-breakpoint
ALTER TABLE "analytics_stockouts" ADD COLUMN "signals_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "analytics_stockout_signals_day_location_id_index" ON "analytics_stockout_signals" USING btree ("day","location_id");--> statement-breakpoint
CREATE INDEX "analytics_demand_forecasts_variant_id_index" ON "analytics_demand_forecasts" USING btree ("variant_id");