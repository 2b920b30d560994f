CREATE TABLE "receipt_printers" (
	"location_id" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"port" integer DEFAULT 9100 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"drawer_kick" boolean DEFAULT true NOT NULL,
	"auto_print" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
ALTER TABLE "receipt_printers" ADD CONSTRAINT "receipt_printers_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;