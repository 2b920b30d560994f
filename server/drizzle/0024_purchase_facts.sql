CREATE TABLE "customer_purchase_facts" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"last_at" timestamp with time zone,
	"orders30" integer DEFAULT 0 NOT NULL,
	"spend30" bigint DEFAULT 0 NOT NULL,
	"channels30" text[] DEFAULT '{}'::text[] NOT NULL,
	"orders90" integer DEFAULT 0 NOT NULL,
	"spend90" bigint DEFAULT 0 NOT NULL,
	"channels90" text[] DEFAULT '{}'::text[] NOT NULL,
	"orders180" integer DEFAULT 0 NOT NULL,
	"spend180" bigint DEFAULT 0 NOT NULL,
	"channels180" text[] DEFAULT '{}'::text[] NOT NULL,
	"orders365" integer DEFAULT 0 NOT NULL,
	"spend365" bigint DEFAULT 0 NOT NULL,
	"channels365" text[] DEFAULT '{}'::text[] NOT NULL,
	"expires_at" timestamp with time zone DEFAULT '-infinity' NOT NULL,
	"refreshed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "customer_purchase_facts_expires_at_index" ON "customer_purchase_facts" USING btree ("expires_at");--> statement-breakpoint
-- A member's purchase facts are stale (expires_at = -infinity) from the moment any of her orders changes
-- in a way they count: in the same transaction, so a segment never reads a fact her orders contradict.
CREATE OR REPLACE FUNCTION orders_purchase_facts_stale(customer text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF customer IS NOT NULL THEN
    INSERT INTO customer_purchase_facts (customer_id, expires_at) VALUES (customer, '-infinity')
    ON CONFLICT (customer_id) DO UPDATE SET expires_at = '-infinity'
      WHERE customer_purchase_facts.expires_at <> '-infinity';
  END IF;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION orders_purchase_facts_order_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM orders_purchase_facts_stale(OLD.customer_id); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND (TG_OP = 'INSERT' OR NEW.customer_id IS DISTINCT FROM OLD.customer_id) THEN
    PERFORM orders_purchase_facts_stale(NEW.customer_id);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER orders_purchase_facts_insert_delete AFTER INSERT OR DELETE ON orders
  FOR EACH ROW EXECUTE FUNCTION orders_purchase_facts_order_changed();
--> statement-breakpoint
CREATE TRIGGER orders_purchase_facts_update AFTER UPDATE ON orders FOR EACH ROW
  WHEN (OLD.customer_id IS DISTINCT FROM NEW.customer_id OR (OLD.status = 'cancelled') <> (NEW.status = 'cancelled')
        OR OLD.total <> NEW.total OR OLD.created_at <> NEW.created_at OR OLD.channel <> NEW.channel)
  EXECUTE FUNCTION orders_purchase_facts_order_changed();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION orders_purchase_facts_line_returned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM orders_purchase_facts_stale((SELECT customer_id FROM orders WHERE id = NEW.order_id));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER orders_purchase_facts_returned AFTER UPDATE ON order_lines FOR EACH ROW
  WHEN (OLD.returned_quantity IS DISTINCT FROM NEW.returned_quantity OR OLD.total <> NEW.total)
  EXECUTE FUNCTION orders_purchase_facts_line_returned();
--> statement-breakpoint
-- Every member who has ordered starts stale: the job computes her facts, and until then they are read live.
INSERT INTO customer_purchase_facts (customer_id)
  SELECT DISTINCT customer_id FROM orders WHERE customer_id IS NOT NULL ON CONFLICT DO NOTHING;
