ALTER TABLE "products" ADD COLUMN "name_key" text GENERATED ALWAYS AS (translate(lower(normalize(name, NFKC)), 'ァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロヮワヰヱヲンヴヵヶ', 'ぁあぃいぅうぇえぉおかがきぎくぐけげこごさざしじすずせぜそぞただちぢっつづてでとどなにぬねのはばぱひびぴふぶぷへべぺほぼぽまみむめもゃやゅゆょよらりるれろゎわゐゑをんゔゕゖ')) STORED;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "price_min" integer;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "price_max" integer;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "active_variants" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "products_price_asc_idx" ON "products" USING btree ("price_min","created_at" DESC NULLS FIRST,"id");--> statement-breakpoint
CREATE INDEX "products_price_desc_idx" ON "products" USING btree ("price_max" DESC NULLS FIRST,"created_at" DESC NULLS FIRST,"id");--> statement-breakpoint
-- What the shop's listing needs of a product's variants, kept on the product in the writing transaction by
-- statement triggers on variants, so no writer (catalogue service, CSV imports, demo seed, bench generators'
-- set-based inserts) can leave it stale. The products are locked in key order first (two imports touching
-- the same products never deadlock on them), and the variants are read by a later statement, whose snapshot
-- sees what a concurrent writer of the same product committed while this one waited for its lock. The lock
-- is FOR NO KEY UPDATE: a variant's insert already holds FOR KEY SHARE on its product (the foreign key),
-- and FOR UPDATE would conflict with another writer's, so two writers adding variants to one product
-- would deadlock (measured: with FOR UPDATE the race test failed 3 runs of 3 on Postgres under contention).
CREATE OR REPLACE FUNCTION musubi_product_variant_summary(ids text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM products WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
  UPDATE products p SET price_min = s.price_min, price_max = s.price_max, active_variants = s.n
    FROM (SELECT i.id, min(v.price) AS price_min, max(v.price) AS price_max, count(v.id)::int AS n
            FROM unnest(ids) AS i(id)
            LEFT JOIN variants v ON v.product_id = i.id AND v.status = 'active'
           GROUP BY i.id) s
   WHERE p.id = s.id
     AND (p.price_min, p.price_max, p.active_variants) IS DISTINCT FROM (s.price_min, s.price_max, s.n);
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION musubi_variants_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM musubi_product_variant_summary(ARRAY(SELECT DISTINCT product_id FROM new_rows));
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Only the rows whose price, status or product changed: an edit of options or a JAN leaves the products alone.
CREATE OR REPLACE FUNCTION musubi_variants_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM musubi_product_variant_summary(ARRAY(
    SELECT DISTINCT x.product_id
      FROM new_rows n JOIN old_rows o ON o.id = n.id
     CROSS JOIN LATERAL (VALUES (n.product_id), (o.product_id)) AS x(product_id)
     WHERE (n.price, n.status, n.product_id) IS DISTINCT FROM (o.price, o.status, o.product_id)));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION musubi_variants_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM musubi_product_variant_summary(ARRAY(SELECT DISTINCT product_id FROM old_rows));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER variants_summary_insert AFTER INSERT ON variants
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION musubi_variants_inserted();
--> statement-breakpoint
CREATE TRIGGER variants_summary_update AFTER UPDATE ON variants
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION musubi_variants_updated();
--> statement-breakpoint
CREATE TRIGGER variants_summary_delete AFTER DELETE ON variants
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION musubi_variants_deleted();
--> statement-breakpoint
-- The first filling: one pass over the variants (200,000 at chain scale: seconds).
UPDATE products p SET price_min = s.price_min, price_max = s.price_max, active_variants = s.n
  FROM (SELECT product_id, min(price) AS price_min, max(price) AS price_max, count(*)::int AS n
          FROM variants WHERE status = 'active' GROUP BY product_id) s
 WHERE p.id = s.product_id;
