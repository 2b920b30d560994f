CREATE TABLE "analytics_omni_totals" (
	"from_date" date NOT NULL,
	"scope" text NOT NULL,
	"kind" text NOT NULL,
	"omni" boolean NOT NULL,
	"customers" bigint NOT NULL,
	"orders" bigint NOT NULL,
	"spend" bigint NOT NULL,
	CONSTRAINT "analytics_omni_totals_from_date_scope_kind_omni_pk" PRIMARY KEY("from_date","scope","kind","omni")
);
--> statement-breakpoint
-- Windows built before the totals were kept have none: forget them, so reads fall back to the per-order rows
-- until the job analytics.omni builds them again (at once: it finds today's windows missing).
DELETE FROM "analytics_omni_windows";
