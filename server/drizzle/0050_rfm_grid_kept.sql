CREATE TABLE "rfm_grid_cells" (
	"home_location_id" text NOT NULL,
	"r" integer NOT NULL,
	"f" integer NOT NULL,
	"grp" text NOT NULL,
	"members" integer NOT NULL,
	"spend" bigint NOT NULL,
	"mo" integer NOT NULL,
	CONSTRAINT "rfm_grid_cells_home_location_id_r_f_grp_pk" PRIMARY KEY("home_location_id","r","f","grp")
);
--> statement-breakpoint
CREATE TABLE "rfm_grid_state" (
	"id" text PRIMARY KEY NOT NULL,
	"buyers" integer NOT NULL,
	"cuts" jsonb NOT NULL,
	"computed_at" timestamp with time zone NOT NULL
);
