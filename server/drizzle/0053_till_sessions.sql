CREATE TABLE "till_cash_movements" (
	"id" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"kind" text NOT NULL,
	"amount" integer NOT NULL,
	"reason" text NOT NULL,
	"staff_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "till_cash_movements_amount" CHECK ("till_cash_movements"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "till_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"location_id" text NOT NULL,
	"register_name" text NOT NULL,
	"float" integer NOT NULL,
	"opened_by" text NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_by" text,
	"closed_at" timestamp with time zone,
	"counted" jsonb,
	"counted_cash" integer,
	"expected_cash" integer,
	"over_short" integer,
	"z_number" integer,
	"report" jsonb,
	"note" text,
	CONSTRAINT "till_sessions_float" CHECK ("till_sessions"."float" >= 0)
);
--> statement-breakpoint
CREATE INDEX "till_cash_movements_session_id_created_at_index" ON "till_cash_movements" USING btree ("session_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "till_sessions_one_open" ON "till_sessions" USING btree ("location_id") WHERE "till_sessions"."closed_at" IS NULL;--> statement-breakpoint
CREATE INDEX "till_sessions_location_id_closed_at_index" ON "till_sessions" USING btree ("location_id","closed_at");--> statement-breakpoint
CREATE INDEX "till_sessions_closed_at_index" ON "till_sessions" USING btree ("closed_at");