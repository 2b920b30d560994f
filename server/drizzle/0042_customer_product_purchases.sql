CREATE TABLE "customer_product_purchases" (
	"customer_id" text NOT NULL,
	"product_id" text NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "customer_product_purchases_customer_id_product_id_pk" PRIMARY KEY("customer_id","product_id")
);
--> statement-breakpoint
CREATE INDEX "customer_product_purchases_product_id_last_at_customer_id_index" ON "customer_product_purchases" USING btree ("product_id","last_at","customer_id");--> statement-breakpoint
-- Every member's purchases per product are computed with her purchase facts: mark every facts row stale so the
-- job orders.purchase_facts fills the new table (until then each member is read from her orders, as a stale one).
UPDATE "customer_purchase_facts" SET "expires_at" = '-infinity';
