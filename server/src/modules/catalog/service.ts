import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import { query, type Db, type Executor } from '../../platform/db/connection.ts';
import { inTransaction, sqlState, violatedConstraint } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { requireRole, type Principal } from '../../platform/auth.ts';
import { categories, products, variants } from './schema.ts';
import { searchFields } from './search-text.ts';
import { normalizeJan } from './jan.ts';
import { emitPriceChanged, emitProductEvent } from './events.ts';
import './problems.ts';
import { listProductImages, type ProductImage } from './images.ts';
import { reindexProducts } from './bulk.ts';
import { getProduct, type ProductDetail } from './product-detail.ts';

export type { CatalogEventName } from './events.ts';
export {
  addProductImage,
  deleteProductImage,
  listProductImages,
  reorderProductImages,
  updateProductImage,
  imageKey,
  imageView,
  mainImageJson,
  mainImageView,
  MAX_IMAGES_PER_PRODUCT,
  type ProductImage,
} from './images.ts';
export { productImageSchema } from './image-schema.ts';
export { searchProducts, searchMatchSql, productSummaries, type ProductSummary, type SearchQuery } from './search.ts';
export { didYouMean } from './did-you-mean.ts';
export { normalizeSearch } from './search-text.ts';
export { isValidJan, makeJan, janCheckDigit, normalizeJan } from './jan.ts';
export {
  planProductRows,
  writeProductRows,
  variantsBySku,
  writePrices,
  type ProductRow,
  type RowAction,
  type RowConflict,
} from './bulk.ts';

export type Product = typeof products.$inferSelect;
export type Variant = typeof variants.$inferSelect;
export type Category = typeof categories.$inferSelect;

export interface NewVariant {
  sku: string;
  jan: string;
  price: number;
  options?: Record<string, string> | undefined;
}

export interface NewProduct {
  name: string;
  nameKana?: string | undefined;
  description?: string | undefined;
  taxRate: 10 | 8;
  categoryId?: string | null | undefined;
  variants: NewVariant[];
}

/** Turn unique violations on sku/jan into the matching 409 problem. */
function uniqueViolation(err: unknown, vs: NewVariant[]): never {
  if (sqlState(err) === '23505') {
    const c = violatedConstraint(err) ?? '';
    if (c.includes('jan'))
      throw new DomainError('catalog.jan_taken', {
        jan: vs.length === 1 ? vs[0]!.jan : vs.map((v) => v.jan).join(', '),
      });
    if (c.includes('sku'))
      throw new DomainError('catalog.sku_taken', {
        sku: vs.length === 1 ? vs[0]!.sku : vs.map((v) => v.sku).join(', '),
      });
  }
  throw err;
}

/**
 * The names of a category, which must exist (`field` names the request field for the 404). null and
 * undefined mean no category; an empty string is an id like any other, so it is not found (the foreign
 * key would refuse it).
 */
async function assertCategory(
  tx: Executor,
  categoryId: string | null | undefined,
  field = 'categoryId',
): Promise<string[]> {
  if (categoryId === null || categoryId === undefined) return [];
  const [cat] = await tx.select().from(categories).where(eq(categories.id, categoryId));
  if (!cat)
    throw new DomainError('catalog.category_not_found', { categoryId }, [{ field, message: 'invalid_reference' }]);
  return [cat.name, cat.nameKana, cat.nameEn];
}

/** Recompute a product's search key from its current name, category and variants. */
async function reindex(tx: Executor, productId: string): Promise<void> {
  const [p] = await tx.select().from(products).where(eq(products.id, productId));
  if (!p) return;
  const vs = await tx.select().from(variants).where(eq(variants.productId, productId));
  const catNames = await assertCategory(tx, p.categoryId);
  const fields = searchFields({
    name: p.name,
    nameKana: p.nameKana,
    categoryNames: catNames,
    skus: vs.map((v) => v.sku),
    jans: vs.map((v) => v.jan),
    options: [...new Set(vs.flatMap((v) => Object.values(v.options)))],
  });
  await tx.update(products).set(fields).where(eq(products.id, productId));
}

/** Create a product with its variants (hq/owner). */
export async function createProduct(db: Db, actor: Principal, input: NewProduct): Promise<ProductDetail> {
  requireRole(actor, 'owner', 'hq');
  const productId = newId('prd');
  try {
    await inTransaction(db, async (tx) => {
      await assertCategory(tx, input.categoryId);
      await tx.insert(products).values({
        id: productId,
        name: input.name,
        nameKana: input.nameKana ?? '',
        description: input.description ?? '',
        categoryId: input.categoryId ?? null,
        taxRate: input.taxRate,
      });
      await tx.insert(variants).values(
        input.variants.map((v) => ({
          id: newId('var'),
          productId,
          sku: v.sku,
          jan: v.jan,
          price: v.price,
          options: v.options ?? {},
        })),
      );
      await reindex(tx, productId);
      await emitProductEvent(tx, 'product.created', productId, () => getProduct(tx, productId));
    });
  } catch (err) {
    uniqueViolation(err, input.variants);
  }
  return getProduct(db, productId);
}

export interface ProductPatch {
  name?: string | undefined;
  nameKana?: string | undefined;
  description?: string | undefined;
  taxRate?: 10 | 8 | undefined;
  categoryId?: string | null | undefined;
  status?: 'active' | 'archived' | undefined;
}

export async function updateProduct(db: Db, actor: Principal, id: string, patch: ProductPatch): Promise<ProductDetail> {
  requireRole(actor, 'owner', 'hq');
  await inTransaction(db, async (tx) => {
    await assertCategory(tx, patch.categoryId);
    const [before] = await tx
      .select({ status: products.status })
      .from(products)
      .where(eq(products.id, id))
      .for('update');
    if (!before) throw new DomainError('catalog.product_not_found', { productId: id });
    await tx
      .update(products)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(eq(products.id, id));
    await reindex(tx, id);
    const archived = patch.status === 'archived' && before.status !== 'archived';
    await emitProductEvent(tx, archived ? 'product.archived' : 'product.updated', id, () => getProduct(tx, id));
  });
  return getProduct(db, id);
}

export async function addVariant(db: Db, actor: Principal, productId: string, v: NewVariant): Promise<ProductDetail> {
  requireRole(actor, 'owner', 'hq');
  try {
    await inTransaction(db, async (tx) => {
      const [p] = await tx.select({ id: products.id }).from(products).where(eq(products.id, productId));
      if (!p) throw new DomainError('catalog.product_not_found', { productId });
      await tx
        .insert(variants)
        .values({ id: newId('var'), productId, sku: v.sku, jan: v.jan, price: v.price, options: v.options ?? {} });
      await reindex(tx, productId);
      await emitProductEvent(tx, 'product.updated', productId, () => getProduct(tx, productId));
    });
  } catch (err) {
    uniqueViolation(err, [v]);
  }
  return getProduct(db, productId);
}

export interface VariantPatch {
  price?: number | undefined;
  options?: Record<string, string> | undefined;
  status?: 'active' | 'archived' | undefined;
}

/** Change a variant's price, options or status; a patch that changes nothing is a 400. */
export async function updateVariant(db: Db, actor: Principal, id: string, patch: VariantPatch): Promise<ProductDetail> {
  requireRole(actor, 'owner', 'hq');
  if (Object.values(patch).every((v) => v === undefined)) throw new DomainError('catalog.nothing_to_change');
  const productId = await inTransaction(db, async (tx) => {
    const [before] = await tx.select({ price: variants.price }).from(variants).where(eq(variants.id, id)).for('update');
    if (!before) throw new DomainError('catalog.variant_not_found', { variantId: id });
    const [v] = await tx
      .update(variants)
      .set(patch)
      .where(eq(variants.id, id))
      .returning({ productId: variants.productId, sku: variants.sku, price: variants.price });
    await reindex(tx, v!.productId);
    await emitPriceChanged(tx, {
      variantId: id,
      productId: v!.productId,
      sku: v!.sku,
      price: v!.price,
      previousPrice: before.price,
    });
    // Options or status changed too: the product's own news.
    if (patch.options !== undefined || patch.status !== undefined)
      await emitProductEvent(tx, 'product.updated', v!.productId, () => getProduct(tx, v!.productId));
    return v!.productId;
  });
  return getProduct(db, productId);
}

/** The other active variants of a product (another size or colour to offer when one is short). */
export async function siblingVariants(db: Executor, productId: string, exceptVariantId: string): Promise<Variant[]> {
  return db
    .select()
    .from(variants)
    .where(and(eq(variants.productId, productId), ne(variants.id, exceptVariantId), eq(variants.status, 'active')));
}

/** The active variants of several products at once, by product, in SKU order (a list of favourites). */
export async function activeVariantsOf(db: Executor, productIds: readonly string[]): Promise<Map<string, Variant[]>> {
  const byProduct = new Map<string, Variant[]>();
  if (!productIds.length) return byProduct;
  const rows = await db
    .select()
    .from(variants)
    .where(and(inArray(variants.productId, [...productIds]), eq(variants.status, 'active')))
    .orderBy(asc(variants.sku));
  for (const v of rows) byProduct.set(v.productId, [...(byProduct.get(v.productId) ?? []), v]);
  return byProduct;
}

/** Of these variants, the ones still sold: the variant and its product both active (a reorder's check). */
export async function sellableVariantIds(db: Executor, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .select({ id: variants.id })
    .from(variants)
    .innerJoin(products, eq(products.id, variants.productId))
    .where(and(inArray(variants.id, [...new Set(ids)]), eq(variants.status, 'active'), eq(products.status, 'active')));
  return new Set(rows.map((r) => r.id));
}

/** The variant with this JAN and its product (what a scanner needs). */
export async function findByBarcode(db: Executor, raw: string) {
  const jan = normalizeJan(raw);
  const [v] = await db.select().from(variants).where(eq(variants.jan, jan));
  if (!v) throw new DomainError('catalog.barcode_not_found', { jan });
  const product = await getProduct(db, v.productId);
  return { variant: product.variants.find((x) => x.id === v.id)!, product };
}

export interface VariantInfo {
  id: string;
  productId: string;
  sku: string;
  jan: string;
  price: number;
  options: Record<string, string>;
  productName: string;
  taxRate: 10 | 8;
}

/**
 * A VariantInfo as JSON, built from `v` (variants) and `p` (products): for a query that reads variants
 * together with what refers to them (a cart's lines) in one round trip instead of getVariants after it.
 */
export const variantInfoJson = sql`json_build_object('id', v.id, 'productId', v.product_id, 'sku', v.sku, 'jan', v.jan, 'price', v.price, 'options', v.options, 'productName', p.name, 'taxRate', p.tax_rate)`;

/** Variants by JAN (already normalised), with their product names, in one read: the till's scanned lines. */
export async function variantsByJan(db: Executor, jans: string[]): Promise<Map<string, VariantInfo>> {
  const unique = [...new Set(jans)].filter(Boolean);
  if (!unique.length) return new Map();
  const rows = await query<{ info: VariantInfo }>(
    db,
    sql`SELECT ${variantInfoJson} AS info FROM variants v JOIN products p ON p.id = v.product_id WHERE v.jan IN (${sql.join(
      unique.map((j) => sql`${j}`),
      sql`, `,
    )})`,
  );
  return new Map(rows.map((r) => [r.info.jan, r.info]));
}

/** A VariantInfo's columns, from `variants` joined to `products`. */
const variantInfoColumns = {
  id: variants.id,
  productId: variants.productId,
  sku: variants.sku,
  jan: variants.jan,
  price: variants.price,
  options: variants.options,
  productName: products.name,
  taxRate: products.taxRate,
};

/** Variants with their product names, for screens that list stock (fails naming the first unknown id). */
export async function getVariants(db: Executor, ids: string[]): Promise<Map<string, VariantInfo>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await db
    .select(variantInfoColumns)
    .from(variants)
    .innerJoin(products, eq(products.id, variants.productId))
    .where(inArray(variants.id, unique));
  const found = new Map(rows.map((r) => [r.id, r]));
  const missing = unique.find((id) => !found.has(id));
  if (missing) throw new DomainError('catalog.variant_not_found', { variantId: missing });
  return found;
}

/**
 * Every variant the till can scan, with its product's name, tax rate and category chain (the category and
 * its ancestors, as promotions target them): what a store's till keeps for selling offline.
 */
export async function tillCatalog(db: Executor): Promise<Array<VariantInfo & { categoryIds: string[] }>> {
  const rows = await db
    .select(variantInfoColumns)
    .from(variants)
    .innerJoin(products, eq(products.id, variants.productId))
    .orderBy(variants.jan);
  const chains = await categoryChains(db, [...new Set(rows.map((r) => r.productId))]);
  return rows.map((r) => ({ ...r, categoryIds: chains.get(r.productId) ?? [] }));
}

export async function listCategories(db: Executor): Promise<Category[]> {
  return db.select().from(categories).orderBy(asc(categories.sort), asc(categories.id));
}

export async function createCategory(
  db: Db,
  actor: Principal,
  input: {
    name: string;
    nameKana?: string | undefined;
    nameEn?: string | undefined;
    parentId?: string | null | undefined;
    sort?: number | undefined;
    notScanAndGo?: boolean | undefined;
  },
): Promise<Category> {
  requireRole(actor, 'owner', 'hq');
  return inTransaction(db, async (tx) => {
    await assertCategory(tx, input.parentId, 'parentId');
    const [row] = await tx
      .insert(categories)
      .values({
        id: newId('cat'),
        name: input.name,
        nameKana: input.nameKana ?? '',
        nameEn: input.nameEn ?? '',
        parentId: input.parentId ?? null,
        sort: input.sort ?? 0,
        notScanAndGo: input.notScanAndGo ?? false,
      })
      .returning();
    return row!;
  });
}

/** Rename, move or reorder a category (hq/owner); a category never moves under itself or its own subtree. */
export async function updateCategory(
  db: Db,
  actor: Principal,
  id: string,
  patch: {
    name?: string | undefined;
    nameKana?: string | undefined;
    nameEn?: string | undefined;
    parentId?: string | null | undefined;
    sort?: number | undefined;
    notScanAndGo?: boolean | undefined;
  },
): Promise<Category> {
  requireRole(actor, 'owner', 'hq');
  return inTransaction(db, async (tx) => {
    const all = await tx.select({ id: categories.id, parentId: categories.parentId }).from(categories);
    const parents = new Map(all.map((c) => [c.id, c.parentId]));
    if (!parents.has(id)) throw new DomainError('catalog.category_not_found', { categoryId: id });
    if (patch.parentId) {
      await assertCategory(tx, patch.parentId, 'parentId');
      for (let c: string | null | undefined = patch.parentId, n = 0; c && n < 50; c = parents.get(c), n++)
        if (c === id)
          throw new DomainError('catalog.category_cycle', { categoryId: id }, [
            { field: 'parentId', message: 'cycle' },
          ]);
    }
    const values = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    if (!Object.keys(values).length) return (await tx.select().from(categories).where(eq(categories.id, id)))[0]!;
    const [row] = await tx.update(categories).set(values).where(eq(categories.id, id)).returning();
    // Its names are part of each of its products' search key: a renamed category is found by its new name.
    if (patch.name !== undefined || patch.nameKana !== undefined || patch.nameEn !== undefined) {
      const filed = await tx.select({ id: products.id }).from(products).where(eq(products.categoryId, id));
      await reindexProducts(
        tx,
        filed.map((p) => p.id),
      );
    }
    return row!;
  });
}

/** Each product's category and its ancestors, so a promotion on 「トップス」 covers 「シャツ」 under it. */
export async function categoryChains(db: Executor, productIds: string[]): Promise<Map<string, string[]>> {
  const unique = [...new Set(productIds)];
  if (!unique.length) return new Map();
  const rows = await db
    .select({ id: products.id, categoryId: products.categoryId })
    .from(products)
    .where(inArray(products.id, unique));
  const parents = new Map(
    (await db.select({ id: categories.id, parentId: categories.parentId }).from(categories)).map((c) => [
      c.id,
      c.parentId,
    ]),
  );
  return new Map(
    rows.map((r) => {
      const chain: string[] = [];
      for (let c = r.categoryId; c && !chain.includes(c) && chain.length < 20; c = parents.get(c) ?? null)
        chain.push(c);
      return [r.id, chain];
    }),
  );
}
export {
  productsInCategoriesSql,
  productOfVariantSql,
  variantsOfProductSql,
  isActiveProductSql,
  categorySubtreeSql,
  variantPricesSql,
} from './audience.ts';

export { getProduct, type ProductDetail } from './product-detail.ts';
