CREATE TABLE "analytics_cohort_cells" (
	"scope" text NOT NULL,
	"cohort" date NOT NULL,
	"month" date NOT NULL,
	"buyers" integer NOT NULL,
	"net" bigint NOT NULL,
	"net_excl" bigint NOT NULL,
	CONSTRAINT "analytics_cohort_cells_scope_cohort_month_pk" PRIMARY KEY("scope","cohort","month")
);
--> statement-breakpoint
CREATE TABLE "analytics_cohort_fill" (
	"name" text PRIMARY KEY NOT NULL,
	"filled_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_cohort_months" (
	"scope" text NOT NULL,
	"person_id" text NOT NULL,
	"month" date NOT NULL,
	"orders" integer NOT NULL,
	"net" bigint NOT NULL,
	"net_excl" bigint NOT NULL,
	CONSTRAINT "analytics_cohort_months_person_id_scope_month_pk" PRIMARY KEY("person_id","scope","month")
);
--> statement-breakpoint
CREATE TABLE "analytics_cohort_people" (
	"scope" text NOT NULL,
	"person_id" text NOT NULL,
	"cohort" date NOT NULL,
	"channel" text NOT NULL,
	"tier" text NOT NULL,
	"orders" integer NOT NULL,
	"net" bigint NOT NULL,
	"net_excl" bigint NOT NULL,
	CONSTRAINT "analytics_cohort_people_person_id_scope_pk" PRIMARY KEY("person_id","scope")
);
--> statement-breakpoint
CREATE TABLE "analytics_ltv_cells" (
	"scope" text NOT NULL,
	"cohort" date NOT NULL,
	"channel" text NOT NULL,
	"tier" text NOT NULL,
	"members" integer NOT NULL,
	"orders" integer NOT NULL,
	"net" bigint NOT NULL,
	"net_excl" bigint NOT NULL,
	CONSTRAINT "analytics_ltv_cells_scope_cohort_channel_tier_pk" PRIMARY KEY("scope","cohort","channel","tier")
);
