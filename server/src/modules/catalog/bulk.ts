import { sql } from 'drizzle-orm';
import { query, type Executor, type Tx } from '../../platform/db/connection.ts';
import { newId } from '../../platform/ids.ts';
import { searchFields } from './search-text.ts';

/**
 * Many products written at once (a CSV import): read what exists in three statements, then write only
 * what differs in a few set-based statements (jsonb_to_recordset: one parameter, whatever the batch size).
 * Rows are keyed by SKU; variants group into products by 品番 (`code`).
 */
export interface ProductRow {
  /** 品番: rows with the same code are variants of one product. */
  code: string;
  sku: string;
  jan: string;
  name: string;
  /** Absent (the file has no such column): an existing product keeps its own; a new one gets ''. */
  nameKana?: string | undefined;
  /** Absent: kept, or none for a new product. */
  categoryId?: string | null | undefined;
  taxRate: 10 | 8;
  price: number;
  /** Absent (no 属性 columns): an existing variant keeps its options; a new one gets none. */
  options?: Record<string, string> | undefined;
}

/** A row with what it leaves out filled from what exists (or the defaults): what is compared and written. */
type FullRow = Required<Omit<ProductRow, 'categoryId'>> & { categoryId: string | null };

export type RowAction = 'create' | 'update' | 'unchanged';

/** Why a row cannot be written as it stands (the column it concerns and a stable reason). */
export interface RowConflict {
  index: number;
  field: 'sku' | 'jan' | 'code';
  reason: 'jan_taken' | 'code_mismatch';
  params: Record<string, string>;
}

interface ExistingVariant {
  id: string;
  sku: string;
  jan: string;
  price: number;
  options: Record<string, string>;
  productId: string;
  code: string | null;
  name: string;
  nameKana: string;
  categoryId: string | null;
  taxRate: number;
}

interface ExistingProduct {
  id: string;
  code: string;
  name: string;
  nameKana: string;
  categoryId: string | null;
  taxRate: number;
}

const json = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;

async function existing(db: Executor, rows: ProductRow[]) {
  const skus = rows.map((r) => r.sku);
  const jans = rows.map((r) => r.jan);
  const codes = [...new Set(rows.map((r) => r.code))];
  const [variants, janOwners, products] = [
    await query<ExistingVariant>(
      db,
      sql`SELECT v.id, v.sku, v.jan, v.price, v.options, v.product_id AS "productId", p.code, p.name,
                 p.name_kana AS "nameKana", p.category_id AS "categoryId", p.tax_rate AS "taxRate"
            FROM variants v JOIN products p ON p.id = v.product_id
           WHERE v.sku IN (SELECT jsonb_array_elements_text(${json(skus)}))`,
    ),
    await query<{ jan: string; sku: string }>(
      db,
      sql`SELECT jan, sku FROM variants WHERE jan IN (SELECT jsonb_array_elements_text(${json(jans)}))`,
    ),
    await query<ExistingProduct>(
      db,
      sql`SELECT id, code, name, name_kana AS "nameKana", category_id AS "categoryId", tax_rate AS "taxRate"
            FROM products WHERE code IN (SELECT jsonb_array_elements_text(${json(codes)}))`,
    ),
  ];
  return {
    bySku: new Map(variants.map((v) => [v.sku, v])),
    janOwner: new Map(janOwners.map((j) => [j.jan, j.sku])),
    byCode: new Map(products.map((p) => [p.code, p])),
  };
}

function sameOptions(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

function productDiffers(p: Omit<ExistingProduct, 'id' | 'code'> & { code: string | null }, r: FullRow): boolean {
  return (
    p.code !== r.code ||
    p.name !== r.name ||
    p.nameKana !== r.nameKana ||
    p.categoryId !== r.categoryId ||
    Number(p.taxRate) !== r.taxRate
  );
}

interface Plan {
  actions: Array<RowAction | null>;
  conflicts: RowConflict[];
  /** The product each row belongs to (new ids for new products), and whether that product is new. */
  productOf: string[];
  newProducts: Set<string>;
  full: FullRow[];
}

async function plan(db: Executor, rows: ProductRow[]): Promise<Plan> {
  const { bySku, janOwner, byCode } = await existing(db, rows);
  const conflicts: RowConflict[] = [];
  const actions: Array<RowAction | null> = [];
  const productOf: string[] = [];
  const newProducts = new Set<string>();
  const newByCode = new Map<string, string>();
  const full: FullRow[] = [];
  rows.forEach((row, index) => {
    const ev = bySku.get(row.sku);
    const owner = janOwner.get(row.jan);
    const coded = byCode.get(row.code);
    const base = ev ?? coded;
    const r: FullRow = {
      ...row,
      nameKana: row.nameKana ?? base?.nameKana ?? '',
      categoryId: row.categoryId !== undefined ? row.categoryId : (base?.categoryId ?? null),
      options: row.options ?? ev?.options ?? {},
    };
    full.push(r);
    let productId: string;
    if (owner !== undefined && owner !== r.sku) {
      conflicts.push({ index, field: 'jan', reason: 'jan_taken', params: { jan: r.jan, sku: owner } });
    }
    if (ev) {
      productId = ev.productId;
      if ((ev.code !== null && ev.code !== r.code) || (ev.code === null && coded && coded.id !== ev.productId))
        conflicts.push({
          index,
          field: 'code',
          reason: 'code_mismatch',
          params: { sku: r.sku, code: ev.code ?? coded?.code ?? '' },
        });
    } else {
      productId = coded?.id ?? newByCode.get(r.code) ?? newId('prd');
      if (!coded && !newByCode.has(r.code)) {
        newByCode.set(r.code, productId);
        newProducts.add(productId);
      }
    }
    productOf.push(productId);
    if (conflicts.at(-1)?.index === index) {
      actions.push(null);
      return;
    }
    if (!ev) actions.push('create');
    else
      actions.push(
        ev.jan !== r.jan || ev.price !== r.price || !sameOptions(ev.options, r.options) || productDiffers(ev, r)
          ? 'update'
          : 'unchanged',
      );
  });
  return { actions, conflicts, productOf, newProducts, full };
}

/** What writing these rows would do, row by row, without writing (the dry run). */
export async function planProductRows(
  db: Executor,
  rows: ProductRow[],
): Promise<{ actions: Array<RowAction | null>; conflicts: RowConflict[] }> {
  if (!rows.length) return { actions: [], conflicts: [] };
  const { actions, conflicts } = await plan(db, rows);
  return { actions, conflicts };
}

/**
 * Write the rows in the caller's transaction: new products and variants created, changed ones updated,
 * the same ones left alone. Search
 * keys are recomputed for every product touched. A batch with a conflict writes nothing.
 */
export async function writeProductRows(
  tx: Tx,
  rows: ProductRow[],
): Promise<{ actions: Array<RowAction | null>; conflicts: RowConflict[] }> {
  if (!rows.length) return { actions: [], conflicts: [] };
  const { actions, conflicts, productOf, newProducts, full } = await plan(tx, rows);
  if (conflicts.length) return { actions, conflicts };
  const products = new Map<string, FullRow>();
  const variantRows: Array<Record<string, unknown>> = [];
  full.forEach((r, i) => {
    const a = actions[i];
    if (a === null || a === 'unchanged') return;
    const productId = productOf[i]!;
    if (!products.has(productId)) products.set(productId, r);
    variantRows.push({
      id: newId('var'),
      product_id: productId,
      sku: r.sku,
      jan: r.jan,
      price: r.price,
      options: r.options,
    });
  });
  if (!products.size) return { actions, conflicts };
  const productRows = [...products].map(([id, r]) => ({
    id,
    code: r.code,
    name: r.name,
    name_kana: r.nameKana,
    category_id: r.categoryId,
    tax_rate: r.taxRate,
    is_new: newProducts.has(id),
  }));
  await tx.execute(sql`
    INSERT INTO products (id, code, name, name_kana, category_id, tax_rate)
    SELECT id, code, name, name_kana, category_id, tax_rate
      FROM jsonb_to_recordset(${json(productRows)})
        AS d(id text, code text, name text, name_kana text, category_id text, tax_rate int)
    ON CONFLICT (id) DO UPDATE SET code = EXCLUDED.code, name = EXCLUDED.name, name_kana = EXCLUDED.name_kana,
        category_id = EXCLUDED.category_id, tax_rate = EXCLUDED.tax_rate, updated_at = now()
     WHERE (products.code, products.name, products.name_kana, products.category_id, products.tax_rate)
           IS DISTINCT FROM (EXCLUDED.code, EXCLUDED.name, EXCLUDED.name_kana, EXCLUDED.category_id, EXCLUDED.tax_rate)`);
  await tx.execute(sql`
    INSERT INTO variants (id, product_id, sku, jan, price, options)
    SELECT id, product_id, sku, jan, price, options
      FROM jsonb_to_recordset(${json(variantRows)})
        AS d(id text, product_id text, sku text, jan text, price int, options jsonb)
    ON CONFLICT (sku) DO UPDATE SET jan = EXCLUDED.jan, price = EXCLUDED.price, options = EXCLUDED.options
     WHERE (variants.jan, variants.price, variants.options) IS DISTINCT FROM (EXCLUDED.jan, EXCLUDED.price, EXCLUDED.options)`);
  await reindexProducts(tx, [...products.keys()]);
  return { actions, conflicts };
}

/** Recompute the search keys of these products from their names, category and every variant, set-based. */
export async function reindexProducts(tx: Tx, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const docs = await query<{
    id: string;
    name: string;
    nameKana: string;
    categoryNames: string[] | null;
    skus: string[];
    jans: string[];
    options: Array<Record<string, string>>;
  }>(
    tx,
    sql`SELECT p.id, p.name, p.name_kana AS "nameKana",
               (SELECT ARRAY[c.name, c.name_kana, c.name_en] FROM categories c WHERE c.id = p.category_id) AS "categoryNames",
               array_agg(v.sku ORDER BY v.sku) AS skus, array_agg(v.jan ORDER BY v.sku) AS jans,
               jsonb_agg(v.options ORDER BY v.sku) AS options
          FROM products p JOIN variants v ON v.product_id = p.id
         WHERE p.id IN (SELECT jsonb_array_elements_text(${json(ids)}))
         GROUP BY p.id`,
  );
  const keys = docs.map((d) => {
    const f = searchFields({
      name: d.name,
      nameKana: d.nameKana,
      categoryNames: d.categoryNames ?? [],
      skus: d.skus,
      jans: d.jans,
      options: [...new Set(d.options.flatMap((o) => Object.values(o)))],
    });
    return { id: d.id, search_text: f.searchText, search_grams: f.searchGrams, sort_key: f.sortKey };
  });
  await tx.execute(sql`
    UPDATE products p SET search_text = d.search_text, sort_key = d.sort_key,
           search_grams = ARRAY(SELECT jsonb_array_elements_text(d.search_grams))
      FROM jsonb_to_recordset(${json(keys)}) AS d(id text, search_text text, search_grams jsonb, sort_key text)
     WHERE p.id = d.id`);
}

/** Variants by SKU, for imports that name a variant by its SKU (a price list, a stock count). */
export async function variantsBySku(
  db: Executor,
  skus: string[],
): Promise<Map<string, { id: string; sku: string; jan: string; price: number }>> {
  if (!skus.length) return new Map();
  const rows = await query<{ id: string; sku: string; jan: string; price: number }>(
    db,
    sql`SELECT id, sku, jan, price FROM variants WHERE sku IN (SELECT jsonb_array_elements_text(${json(skus)}))`,
  );
  return new Map(rows.map((r) => [r.sku, r]));
}

/** New prices (税込) by variant id, written set-based; returns how many changed. */
export async function writePrices(tx: Tx, prices: Array<{ variantId: string; price: number }>): Promise<number> {
  if (!prices.length) return 0;
  const rows = await query<{ id: string }>(
    tx,
    sql`UPDATE variants v SET price = d.price
          FROM jsonb_to_recordset(${json(prices.map((p) => ({ id: p.variantId, price: p.price })))}) AS d(id text, price int)
         WHERE v.id = d.id AND v.price <> d.price
        RETURNING v.id`,
  );
  return rows.length;
}
