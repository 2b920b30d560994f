CREATE TABLE "product_neighbours" (
	"product_id" text NOT NULL,
	"rank" smallint NOT NULL,
	"neighbour_id" text NOT NULL,
	"score" real NOT NULL,
	"together" integer NOT NULL,
	CONSTRAINT "product_neighbours_product_id_rank_pk" PRIMARY KEY("product_id","rank")
);
--> statement-breakpoint
CREATE TABLE "product_popularity" (
	"product_id" text PRIMARY KEY NOT NULL,
	"buyers" integer NOT NULL,
	"rank" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recommendation_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"lease_until" timestamp with time zone,
	"members" integer DEFAULT 0 NOT NULL,
	"products" integer DEFAULT 0 NOT NULL,
	"pairs" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "product_neighbours" ADD CONSTRAINT "product_neighbours_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_neighbours" ADD CONSTRAINT "product_neighbours_neighbour_id_products_id_fk" FOREIGN KEY ("neighbour_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_popularity" ADD CONSTRAINT "product_popularity_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "product_popularity_rank_index" ON "product_popularity" USING btree ("rank");