CREATE TABLE "event_demand" (
	"event" text NOT NULL,
	"source" text NOT NULL,
	CONSTRAINT "event_demand_event_source_pk" PRIMARY KEY("event","source")
);
--> statement-breakpoint
ALTER TABLE "stock_levels" ADD COLUMN "reorder_point" integer;
--> statement-breakpoint
-- inventory.level_changed (inventory's news, written by the change's own statement so that every path that
-- moves stock announces it, at no extra round trip), only while an integration wants it or inventory.low
-- (event_demand: a shop without integrations writes no outbox row per movement). Coalesced per variant × location and second: the
-- first change of a second writes an event due at the second's end under a 'coalesce:' key; the later ones
-- overwrite its figures (keeping the availability the window started from, for inventory.low) and take its
-- row lock until they commit. The dispatcher releases the key before the subscribers run (it waits for
-- those locks), so the event carries the latest committed figures and a change after it starts a new one.
CREATE OR REPLACE FUNCTION musubi_stock_level_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM event_demand WHERE event IN ('inventory.level_changed', 'inventory.low')) THEN
    RETURN NULL;
  END IF;
  INSERT INTO outbox (channel, recipient, template, payload, dedupe_key, next_attempt_at)
  VALUES ('event', NEW.variant_id || ':' || NEW.location_id, 'inventory.level_changed',
          jsonb_build_object('variantId', NEW.variant_id, 'locationId', NEW.location_id,
                             'onHand', NEW.on_hand, 'reserved', NEW.reserved,
                             'available', greatest(NEW.on_hand - NEW.reserved, 0), 'inTransit', NEW.in_transit,
                             'reorderPoint', NEW.reorder_point,
                             'availableBefore', CASE WHEN TG_OP = 'INSERT' THEN 0 ELSE greatest(OLD.on_hand - OLD.reserved, 0) END,
                             'at', clock_timestamp()),
          'coalesce:inventory.level_changed:' || NEW.variant_id || ':' || NEW.location_id,
          date_trunc('second', clock_timestamp()) + interval '1 second')
  ON CONFLICT (dedupe_key) DO UPDATE
    SET payload = EXCLUDED.payload || jsonb_build_object('availableBefore', outbox.payload -> 'availableBefore');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stock_levels_inserted_announce AFTER INSERT ON stock_levels FOR EACH ROW
  WHEN (NEW.on_hand <> 0 OR NEW.reserved <> 0) EXECUTE FUNCTION musubi_stock_level_changed();
--> statement-breakpoint
CREATE TRIGGER stock_levels_updated_announce AFTER UPDATE ON stock_levels FOR EACH ROW
  WHEN (OLD.on_hand IS DISTINCT FROM NEW.on_hand OR OLD.reserved IS DISTINCT FROM NEW.reserved)
  EXECUTE FUNCTION musubi_stock_level_changed();
--> statement-breakpoint
-- points.changed (loyalty's news): every ledger entry, whichever path wrote it, with the balance after it
-- (the ledger's sum; entries are written under the customer's lock, so it is hers at that moment); only
-- while an integration wants it.
CREATE OR REPLACE FUNCTION musubi_points_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM event_demand WHERE event = 'points.changed') THEN
    RETURN NULL;
  END IF;
  INSERT INTO outbox (channel, recipient, template, payload)
  VALUES ('event', NEW.customer_id, 'points.changed',
          jsonb_build_object('customerId', NEW.customer_id, 'entryId', NEW.id, 'kind', NEW.kind,
                             'points', NEW.points, 'reference', NEW.reference,
                             'balance', (SELECT coalesce(sum(points), 0) FROM point_entries WHERE customer_id = NEW.customer_id),
                             'at', NEW.created_at));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER point_entries_announce AFTER INSERT ON point_entries FOR EACH ROW EXECUTE FUNCTION musubi_points_changed();
