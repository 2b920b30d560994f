CREATE TABLE "store_events" (
	"id" text PRIMARY KEY NOT NULL,
	"location_id" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "amenities" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "review_votes" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "review_votes" ADD COLUMN "note" text;--> statement-breakpoint
ALTER TABLE "store_events" ADD CONSTRAINT "store_events_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "store_events_location_id_ends_at_index" ON "store_events" USING btree ("location_id","ends_at");