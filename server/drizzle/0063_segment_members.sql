-- Each product with its category and every category above it, for the products given. One definition of the
-- category walk for the timeline's triggers below (migration 0060 spelled it out in each of them).
CREATE OR REPLACE FUNCTION events_product_categories(product_ids text[])
RETURNS TABLE (product_id text, category_id text) LANGUAGE sql STABLE AS $$
  WITH RECURSIVE up AS (
         SELECT p.id AS product_id, p.category_id FROM products p
          WHERE p.id = ANY(product_ids) AND p.category_id IS NOT NULL
         UNION
         SELECT up.product_id, c.parent_id FROM up JOIN categories c ON c.id = up.category_id
          WHERE c.parent_id IS NOT NULL)
  SELECT product_id, category_id FROM up
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION events_category_interest_refile(members text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM customer_category_interest WHERE customer_id = ANY(members);
  INSERT INTO customer_category_interest (customer_id, category_id, last_at)
  WITH seen AS (
         SELECT customer_id, product_id, max(occurred_at) AS last_at FROM customer_events
          WHERE customer_id = ANY(members) AND type IN ('product_viewed', 'cart_updated', 'favorited')
            AND product_id IS NOT NULL
          GROUP BY customer_id, product_id)
  SELECT s.customer_id, up.category_id, max(s.last_at)
    FROM seen s JOIN events_product_categories(ARRAY(SELECT DISTINCT product_id FROM seen)) up ON up.product_id = s.product_id
   GROUP BY s.customer_id, up.category_id ORDER BY s.customer_id, up.category_id
  ON CONFLICT (customer_id, category_id) DO UPDATE SET last_at = EXCLUDED.last_at;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION events_category_interest_arrived() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO customer_category_interest (customer_id, category_id, last_at)
  WITH seen AS (
         SELECT customer_id, product_id, max(occurred_at) AS last_at FROM new_rows
          WHERE customer_id IS NOT NULL AND type IN ('product_viewed', 'cart_updated', 'favorited')
            AND product_id IS NOT NULL
          GROUP BY customer_id, product_id)
  SELECT s.customer_id, up.category_id, max(s.last_at)
    FROM seen s JOIN events_product_categories(ARRAY(SELECT DISTINCT product_id FROM seen)) up ON up.product_id = s.product_id
   GROUP BY s.customer_id, up.category_id ORDER BY s.customer_id, up.category_id
  ON CONFLICT (customer_id, category_id) DO UPDATE SET last_at = EXCLUDED.last_at
    WHERE customer_category_interest.last_at < EXCLUDED.last_at;
  RETURN NULL;
END $$;
