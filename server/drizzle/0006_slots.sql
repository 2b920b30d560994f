CREATE TABLE "order_slots" (
	"location_id" text NOT NULL,
	"kind" text NOT NULL,
	"slot_start" timestamp with time zone NOT NULL,
	"capacity" integer NOT NULL,
	"booked" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_slots_location_id_kind_slot_start_pk" PRIMARY KEY("location_id","kind","slot_start"),
	CONSTRAINT "order_slots_booked" CHECK ("order_slots"."booked" >= 0 AND "order_slots"."booked" <= "order_slots"."capacity")
);
--> statement-breakpoint
CREATE TABLE "slot_settings" (
	"location_id" text NOT NULL,
	"kind" text NOT NULL,
	"capacity" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "slot_settings_location_id_kind_pk" PRIMARY KEY("location_id","kind"),
	CONSTRAINT "slot_settings_capacity" CHECK ("slot_settings"."capacity" >= 0 AND "slot_settings"."capacity" <= 1000)
);
