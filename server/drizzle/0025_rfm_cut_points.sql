CREATE TABLE "rfm_cut_points" (
	"id" text PRIMARY KEY NOT NULL,
	"buyers" integer NOT NULL,
	"cuts" jsonb NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL
);
