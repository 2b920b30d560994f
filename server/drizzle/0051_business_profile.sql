CREATE TABLE "business_profile" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"registration_number" text,
	"address" text DEFAULT '' NOT NULL,
	"phone" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TRIGGER business_profile_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON business_profile FOR EACH STATEMENT EXECUTE FUNCTION musubi_table_changed();
