import { and, eq } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { requireCustomer, type Principal } from '../../platform/auth.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getProduct, type ProductDetail } from '../catalog/service.ts';
import { personIds } from '../customers/service.ts';
import { purchasesOf, type Purchase } from '../orders/service.ts';
import { reviews, type Fit } from './schema.ts';
import './problems.ts';

/** What she writes (the edit takes any part of it). */
export interface ReviewInput {
  rating: number;
  title: string;
  body: string;
  fit?: Fit | null | undefined;
  nickname?: string | null | undefined;
}

/**
 * サイズ感 makes sense for what is worn: a product sold in sizes (a サイズ option) at the standard rate — the
 * café's Short/Tall/Grande are sizes too, but food and drink carry the reduced 8 %.
 */
export function isWornInSizes(product: Pick<ProductDetail, 'taxRate' | 'variants'>): boolean {
  return (
    product.taxRate === 10 &&
    product.variants.some((v) => Object.keys(v.options).some((k) => k === 'サイズ' || k.toLowerCase() === 'size'))
  );
}

/** Her latest purchase of the product she kept (any channel, any of her merged records), or null. */
export async function purchaseOf(db: Executor, customerId: string, productId: string): Promise<Purchase | null> {
  const [p] = await purchasesOf(db, await personIds(db, customerId), { productIds: [productId] });
  return p ?? null;
}

/** Text as she typed it, trimmed; an empty nickname is none (shown as 匿名). */
const clean = (s: string) => s.trim();
const nick = (s: string | null | undefined) => (s?.trim() ? s.trim() : null);

/**
 * レビューを書く: a member who bought the product (completed order of any channel, not returned whole) writes
 * one review of it. Not bought: 403 reviews.not_purchased; a second one: 409 reviews.already_reviewed (the
 * unique index decides between two at once). The 購入者 badge is what this check means.
 */
export async function writeReview(
  db: Db,
  actor: Principal,
  productId: string,
  input: ReviewInput,
): Promise<{ id: string }> {
  const { customerId } = requireCustomer(actor);
  const product = await getProduct(db, productId);
  if (input.fit && !isWornInSizes(product)) throw new DomainError('reviews.fit_without_size', { productId });
  const purchase = await purchaseOf(db, customerId, productId);
  if (!purchase) throw new DomainError('reviews.not_purchased', { productId });
  const [row] = await db
    .insert(reviews)
    .values({
      id: newId('rev'),
      productId,
      customerId,
      rating: input.rating,
      title: clean(input.title),
      body: clean(input.body),
      fit: input.fit ?? null,
      nickname: nick(input.nickname),
      purchaseChannel: purchase.channel,
    })
    .onConflictDoNothing()
    .returning({ id: reviews.id });
  if (!row) throw new DomainError('reviews.already_reviewed', { productId });
  return row;
}

/** Her own review, for update (anyone else's is 404: review ids cannot be probed). */
export async function ownReview(tx: Executor, customerId: string, reviewId: string) {
  const [row] = await tx
    .select()
    .from(reviews)
    .where(and(eq(reviews.id, reviewId), eq(reviews.customerId, customerId)))
    .for('update');
  if (!row) throw new DomainError('reviews.not_found', { reviewId });
  return row;
}

/** She edits her review: any of rating, title, body, fit, nickname. A hidden review stays hidden. */
export async function editReview(
  db: Db,
  actor: Principal,
  reviewId: string,
  patch: Partial<ReviewInput>,
): Promise<void> {
  const { customerId } = requireCustomer(actor);
  await inTransaction(db, async (tx) => {
    const row = await ownReview(tx, customerId, reviewId);
    if (patch.fit && !isWornInSizes(await getProduct(tx, row.productId)))
      throw new DomainError('reviews.fit_without_size', { productId: row.productId });
    await tx
      .update(reviews)
      .set({
        ...(patch.rating !== undefined && { rating: patch.rating }),
        ...(patch.title !== undefined && { title: clean(patch.title) }),
        ...(patch.body !== undefined && { body: clean(patch.body) }),
        ...(patch.fit !== undefined && { fit: patch.fit }),
        ...(patch.nickname !== undefined && { nickname: nick(patch.nickname) }),
        updatedAt: new Date(),
      })
      .where(eq(reviews.id, reviewId));
  });
}

/** She deletes her review: its votes and photos go with it (cascade). */
export async function deleteReview(db: Db, actor: Principal, reviewId: string): Promise<void> {
  const { customerId } = requireCustomer(actor);
  const gone = await db
    .delete(reviews)
    .where(and(eq(reviews.id, reviewId), eq(reviews.customerId, customerId)))
    .returning({ id: reviews.id });
  if (!gone.length) throw new DomainError('reviews.not_found', { reviewId });
}
