CREATE TABLE "customer_value_models" (
	"id" text PRIMARY KEY NOT NULL,
	"fitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"as_of" timestamp with time zone NOT NULL,
	"members" integer NOT NULL,
	"repeaters" integer NOT NULL,
	"params" jsonb NOT NULL,
	"accuracy" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_value_predictions" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"model_id" text NOT NULL,
	"purchases12m" real NOT NULL,
	"value12m" integer NOT NULL,
	"alive" real NOT NULL,
	"spend_to_date" integer NOT NULL,
	"purchase_days" integer NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "customer_value_models_fitted_at_index" ON "customer_value_models" USING btree ("fitted_at");