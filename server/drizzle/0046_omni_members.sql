CREATE TABLE "analytics_omni_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "analytics_omni_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"customer_id" text NOT NULL,
	"location_id" text NOT NULL,
	"channel" text NOT NULL,
	"sold_on" date NOT NULL,
	"orders" integer NOT NULL,
	"net" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_omni_members" (
	"from_date" date NOT NULL,
	"scope" text NOT NULL,
	"customer_id" text NOT NULL,
	"now_web" integer NOT NULL,
	"now_app" integer NOT NULL,
	"now_store" integer NOT NULL,
	"now_line" integer NOT NULL,
	"now_net" bigint NOT NULL,
	"before_web" integer NOT NULL,
	"before_app" integer NOT NULL,
	"before_store" integer NOT NULL,
	"before_line" integer NOT NULL,
	CONSTRAINT "analytics_omni_members_from_date_scope_customer_id_pk" PRIMARY KEY("from_date","scope","customer_id")
);
--> statement-breakpoint
CREATE TABLE "analytics_omni_windows" (
	"from_date" date PRIMARY KEY NOT NULL,
	"days" integer NOT NULL,
	"built_at" timestamp with time zone DEFAULT now() NOT NULL
);
