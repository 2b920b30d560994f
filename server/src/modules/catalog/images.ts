import { createHash } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { requireRole, type Principal } from '../../platform/auth.ts';
import { putAll, type ObjectStore } from '../../platform/storage/storage.ts';
import { prepareImage, type ImageLimits } from '../../platform/storage/images.ts';
import { productImages, products, variants } from './schema.ts';
import { imageKey, imageView, listProductImages, type ProductImage } from './image-view.ts';
import { getProduct } from './product-detail.ts';
import { emitProductEvent } from './events.ts';
import './problems.ts';

/** The most pictures one product may have (a gallery of 30 is already more than any shopper looks at). */
export const MAX_IMAGES_PER_PRODUCT = 30;

export {
  imageKey,
  imageView,
  listProductImages,
  mainImageJson,
  mainImageView,
  type ProductImage,
} from './image-view.ts';

async function assertProduct(tx: Executor, productId: string, lock = false): Promise<void> {
  const q = tx.select({ id: products.id }).from(products).where(eq(products.id, productId));
  const [p] = lock ? await q.for('update') : await q;
  if (!p) throw new DomainError('catalog.product_not_found', { productId });
}

/** A colour must be one of the product's option values (ネイビー of カラー), so the page can match it. */
async function assertColour(tx: Executor, productId: string, colour: string | null | undefined): Promise<void> {
  if (colour === null || colour === undefined) return;
  const rows = await tx.select({ options: variants.options }).from(variants).where(eq(variants.productId, productId));
  if (!rows.some((r) => Object.values(r.options).includes(colour)))
    throw new DomainError('catalog.image_colour_unknown', { colour }, [
      { field: 'colour', message: 'invalid_reference' },
    ]);
}

/**
 * A product's pictures changed: its `updatedAt` moves (listings and caches keyed on it refresh) and
 * `product.updated` is written in the same transaction, so integrations (search, a storefront's cache)
 * hear of it once the change is committed — and never of a change that was rolled back.
 */
async function picturesChanged(tx: Executor, productId: string): Promise<void> {
  await tx
    .update(products)
    .set({ updatedAt: sql`now()` })
    .where(eq(products.id, productId));
  await emitProductEvent(tx, 'product.updated', productId, () => getProduct(tx, productId));
}

export interface NewImage {
  content: Buffer;
  alt?: string | undefined;
  colour?: string | null | undefined;
}

/**
 * Add a picture to a product (owner/hq): checked and resized (platform/storage/images.ts), its files
 * written, then its row — last in order. Files first: a failure before the row is committed removes them
 * again, so there is never a row without its files nor, short of a crash, files without a row.
 */
export async function addProductImage(
  db: Db,
  store: ObjectStore,
  limits: ImageLimits,
  actor: Principal,
  productId: string,
  input: NewImage,
): Promise<ProductImage> {
  requireRole(actor, 'owner', 'hq');
  await assertProduct(db, productId);
  await assertColour(db, productId, input.colour);
  const prepared = await prepareImage(input.content, limits);
  const id = newId('img');
  const base = `p-${createHash('sha256').update(`${id}:${prepared.sha256}`).digest('hex').slice(0, 24)}`;
  const objects = prepared.renditions.map((r) => ({
    key: imageKey(base, r.width),
    body: r.body,
    contentType: 'image/webp',
  }));
  await putAll(store, objects);
  try {
    const row = await inTransaction(db, async (tx) => {
      // The product row is locked so two uploads at once take positions one after the other.
      await assertProduct(tx, productId, true);
      const [{ n, last }] = (await tx
        .select({ n: sql<number>`count(*)::int`, last: sql<number>`coalesce(max(${productImages.position}), -1)::int` })
        .from(productImages)
        .where(eq(productImages.productId, productId))) as [{ n: number; last: number }];
      if (n >= MAX_IMAGES_PER_PRODUCT)
        throw new DomainError('catalog.too_many_images', { max: MAX_IMAGES_PER_PRODUCT });
      const [inserted] = await tx
        .insert(productImages)
        .values({
          id,
          productId,
          colour: input.colour ?? null,
          position: last + 1,
          alt: input.alt ?? '',
          base,
          widths: prepared.renditions.map((r) => r.width),
          width: prepared.width,
          height: prepared.height,
        })
        .returning();
      await picturesChanged(tx, productId);
      return inserted!;
    });
    return imageView(row);
  } catch (err) {
    await Promise.allSettled(objects.map((o) => store.delete(o.key)));
    throw err;
  }
}

async function imageOf(tx: Executor, imageId: string, lock = false) {
  const q = tx.select().from(productImages).where(eq(productImages.id, imageId));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw new DomainError('catalog.image_not_found', { imageId });
  return row;
}

/** Change a picture's alt text or colour (owner/hq). */
export async function updateProductImage(
  db: Db,
  actor: Principal,
  imageId: string,
  patch: { alt?: string | undefined; colour?: string | null | undefined },
): Promise<ProductImage> {
  requireRole(actor, 'owner', 'hq');
  return inTransaction(db, async (tx) => {
    const row = await imageOf(tx, imageId, true);
    await assertColour(tx, row.productId, patch.colour);
    const [updated] = await tx
      .update(productImages)
      .set({
        ...(patch.alt !== undefined ? { alt: patch.alt } : {}),
        ...(patch.colour !== undefined ? { colour: patch.colour } : {}),
      })
      .where(eq(productImages.id, imageId))
      .returning();
    await picturesChanged(tx, row.productId);
    return imageView(updated!);
  });
}

/** Put a product's pictures in the order given (owner/hq): every one of its pictures, each once. */
export async function reorderProductImages(
  db: Db,
  actor: Principal,
  productId: string,
  ids: string[],
): Promise<ProductImage[]> {
  requireRole(actor, 'owner', 'hq');
  await inTransaction(db, async (tx) => {
    await assertProduct(tx, productId, true);
    const current = await tx
      .select({ id: productImages.id })
      .from(productImages)
      .where(eq(productImages.productId, productId));
    const have = new Set(current.map((r) => r.id));
    if (ids.length !== have.size || new Set(ids).size !== ids.length || !ids.every((id) => have.has(id)))
      throw new DomainError('catalog.image_order_mismatch', { productId }, [
        { field: 'ids', message: 'invalid_reference' },
      ]);
    for (const [position, id] of ids.entries())
      await tx
        .update(productImages)
        .set({ position })
        .where(and(eq(productImages.id, id), eq(productImages.productId, productId)));
    await picturesChanged(tx, productId);
  });
  return listProductImages(db, productId);
}

/**
 * Remove a picture (owner/hq): its row, then — once no other row shares them (the demo's pictures are
 * shared) — its files. A file that cannot be removed is left for the operator (logged), never a row
 * without files.
 */
export async function deleteProductImage(
  db: Db,
  store: ObjectStore,
  actor: Principal,
  imageId: string,
  log?: { warn(obj: object, msg: string): void },
): Promise<void> {
  requireRole(actor, 'owner', 'hq');
  const { row, shared } = await inTransaction(db, async (tx) => {
    const row = await imageOf(tx, imageId, true);
    await tx.delete(productImages).where(eq(productImages.id, imageId));
    await picturesChanged(tx, row.productId);
    const [other] = await tx
      .select({ id: productImages.id })
      .from(productImages)
      .where(eq(productImages.base, row.base))
      .limit(1);
    return { row, shared: !!other };
  });
  if (shared) return;
  const results = await Promise.allSettled(row.widths.map((w) => store.delete(imageKey(row.base, w))));
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length) log?.warn({ imageId, base: row.base, err: failed[0]!.reason }, 'image files left behind');
}
