CREATE TABLE "analytics_order_sales" (
	"order_id" text NOT NULL,
	"category_id" text NOT NULL,
	"sold_on" date NOT NULL,
	"location_id" text NOT NULL,
	"channel" text NOT NULL,
	"customer_id" text,
	"orders" integer NOT NULL,
	"units" integer NOT NULL,
	"gross" bigint NOT NULL,
	"discount" bigint NOT NULL,
	"returned" bigint NOT NULL,
	"net" bigint NOT NULL,
	"net_excl" bigint NOT NULL,
	CONSTRAINT "analytics_order_sales_order_id_category_id_pk" PRIMARY KEY("order_id","category_id")
);
--> statement-breakpoint
CREATE TABLE "analytics_sales_daily" (
	"sold_on" date NOT NULL,
	"location_id" text NOT NULL,
	"channel" text NOT NULL,
	"category_id" text NOT NULL,
	"orders" integer NOT NULL,
	"units" integer NOT NULL,
	"gross" bigint NOT NULL,
	"discount" bigint NOT NULL,
	"returned" bigint NOT NULL,
	"net" bigint NOT NULL,
	"net_excl" bigint NOT NULL,
	CONSTRAINT "analytics_sales_daily_sold_on_location_id_channel_category_id_pk" PRIMARY KEY("sold_on","location_id","channel","category_id")
);
--> statement-breakpoint
CREATE TABLE "analytics_settle_cursor" (
	"name" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"order_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_settled_orders" (
	"order_id" text PRIMARY KEY NOT NULL,
	"order_updated_at" timestamp with time zone NOT NULL,
	"settled_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "analytics_order_sales_sold_on_index" ON "analytics_order_sales" USING btree ("sold_on");--> statement-breakpoint
CREATE INDEX "analytics_order_sales_customer_id_sold_on_index" ON "analytics_order_sales" USING btree ("customer_id","sold_on");