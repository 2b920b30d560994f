CREATE TABLE "analytics_stockout_months" (
	"variant_id" text NOT NULL,
	"location_id" text NOT NULL,
	"month" date NOT NULL,
	"days" integer NOT NULL,
	"lost" bigint NOT NULL,
	"rate" real NOT NULL,
	"open" boolean NOT NULL,
	"first_day" date NOT NULL,
	"last_day" date NOT NULL,
	"views" integer NOT NULL,
	"refused" integer NOT NULL,
	"requests" integer NOT NULL,
	CONSTRAINT "analytics_stockout_months_variant_id_location_id_month_pk" PRIMARY KEY("variant_id","location_id","month")
);
--> statement-breakpoint
ALTER TABLE "analytics_stockouts" ADD COLUMN "rolled_through" date;--> statement-breakpoint
CREATE INDEX "analytics_stockout_months_month_location_id_index" ON "analytics_stockout_months" USING btree ("month","location_id");