CREATE TABLE "customer_store_visits" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"last_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
DROP INDEX "customer_events_product_interest_index";--> statement-breakpoint
ALTER TABLE "customer_events" ADD COLUMN "product_id" text GENERATED ALWAYS AS (payload->>'productId') STORED;--> statement-breakpoint
CREATE INDEX "customer_events_product_interest_index" ON "customer_events" USING btree ("product_id","occurred_at","customer_id") WHERE "customer_events"."type" IN ('product_viewed', 'cart_updated', 'favorited') AND "customer_events"."customer_id" IS NOT NULL;--> statement-breakpoint
-- Each member's last store visit follows her store events: an arrival can only move it later; a move
-- (merge, its undo) or an erasure takes the latest of what is left, from customer_events_store_visits_index.
CREATE OR REPLACE FUNCTION events_store_visit_recount(customer text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE latest timestamptz;
BEGIN
  SELECT max(occurred_at) INTO latest FROM customer_events WHERE customer_id = customer AND channel = 'store';
  IF latest IS NULL THEN
    DELETE FROM customer_store_visits WHERE customer_id = customer;
  ELSE
    INSERT INTO customer_store_visits (customer_id, last_at) VALUES (customer, latest)
    ON CONFLICT (customer_id) DO UPDATE SET last_at = EXCLUDED.last_at;
  END IF;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION events_store_visit_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.channel = 'store' AND OLD.customer_id IS NOT NULL THEN
    PERFORM events_store_visit_recount(OLD.customer_id);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.channel = 'store' AND NEW.customer_id IS NOT NULL THEN
    INSERT INTO customer_store_visits (customer_id, last_at) VALUES (NEW.customer_id, NEW.occurred_at)
    ON CONFLICT (customer_id) DO UPDATE SET last_at = EXCLUDED.last_at
      WHERE customer_store_visits.last_at < EXCLUDED.last_at;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER events_store_visit_insert AFTER INSERT ON customer_events FOR EACH ROW
  WHEN (NEW.channel = 'store' AND NEW.customer_id IS NOT NULL)
  EXECUTE FUNCTION events_store_visit_changed();
--> statement-breakpoint
CREATE TRIGGER events_store_visit_update AFTER UPDATE ON customer_events FOR EACH ROW
  WHEN ((OLD.channel = 'store' OR NEW.channel = 'store')
        AND (OLD.customer_id IS DISTINCT FROM NEW.customer_id OR OLD.occurred_at <> NEW.occurred_at OR OLD.channel <> NEW.channel))
  EXECUTE FUNCTION events_store_visit_changed();
--> statement-breakpoint
CREATE TRIGGER events_store_visit_delete AFTER DELETE ON customer_events FOR EACH ROW
  WHEN (OLD.channel = 'store' AND OLD.customer_id IS NOT NULL)
  EXECUTE FUNCTION events_store_visit_changed();
--> statement-breakpoint
INSERT INTO customer_store_visits (customer_id, last_at)
  SELECT customer_id, max(occurred_at) FROM customer_events
   WHERE channel = 'store' AND customer_id IS NOT NULL GROUP BY customer_id;
