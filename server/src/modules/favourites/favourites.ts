import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { requireCustomer, type Principal } from '../../platform/auth.ts';
import { DomainError } from '../../platform/errors.ts';
import { productSummaries } from '../catalog/service.ts';
import { favourites } from './schema.ts';
import './problems.ts';

/** Favourites one member may keep: a list she can scroll, not a copy of the catalogue. */
export const MAX_FAVOURITES = 500;

/** A favourite as it is added: the product and when. */
export interface Favourite {
  productId: string;
  addedAt: string;
}

const toFavourite = (r: typeof favourites.$inferSelect): Favourite => ({
  productId: r.productId,
  addedAt: r.addedAt.toISOString(),
});

/**
 * Her favourites change one at a time: the count against the limit and the insert are taken under a lock
 * on her, so two taps (or two devices) at 499 make 500, never 501.
 */
async function lockHer(tx: Executor, customerId: string): Promise<number> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`favourites:${customerId}`}))`);
  const [row] = await tx.select({ n: count() }).from(favourites).where(eq(favourites.customerId, customerId));
  return row?.n ?? 0;
}

/** Fails with catalog.product_not_found naming the first unknown product. */
async function assertProducts(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set((await productSummaries(db, ids)).map((p) => p.id));
  const missing = ids.find((id) => !found.has(id));
  if (missing) throw new DomainError('catalog.product_not_found', { productId: missing });
  return found;
}

/**
 * ♡ → ♥: she keeps a product. Adding one she already keeps answers the kept one (`created: false`), so a
 * second tap or a retried request changes nothing. Past MAX_FAVOURITES: 409 favourites.too_many.
 */
export async function addFavourite(
  db: Db,
  actor: Principal,
  productId: string,
): Promise<{ favourite: Favourite; created: boolean }> {
  const { customerId } = requireCustomer(actor);
  await assertProducts(db, [productId]);
  return inTransaction(db, async (tx) => {
    const n = await lockHer(tx, customerId);
    const mine = and(eq(favourites.customerId, customerId), eq(favourites.productId, productId));
    const [kept] = await tx.select().from(favourites).where(mine);
    if (kept) return { favourite: toFavourite(kept), created: false };
    if (n >= MAX_FAVOURITES) throw new DomainError('favourites.too_many', { max: MAX_FAVOURITES });
    const [row] = await tx.insert(favourites).values({ customerId, productId }).returning();
    return { favourite: toFavourite(row!), created: true };
  });
}

/** ♥ → ♡: she no longer keeps it. Only her own: a product she does not keep is 404 favourites.not_found. */
export async function removeFavourite(db: Db, actor: Principal, productId: string): Promise<void> {
  const { customerId } = requireCustomer(actor);
  const gone = await db
    .delete(favourites)
    .where(and(eq(favourites.customerId, customerId), eq(favourites.productId, productId)))
    .returning({ productId: favourites.productId });
  if (!gone.length) throw new DomainError('favourites.not_found', { productId });
}

/**
 * At login: the favourites she kept in this browser before signing in join hers (like the guest cart joins
 * her cart). Products gone from the catalogue are passed over (the browser may remember an old one), ones
 * she keeps already are kept once, and past the limit the rest are left out, oldest of hers first kept.
 */
export async function joinFavourites(
  db: Db,
  actor: Principal,
  productIds: readonly string[],
): Promise<{ joined: number; kept: number; unknown: number; overLimit: number }> {
  const { customerId } = requireCustomer(actor);
  const asked = [...new Set(productIds)];
  const known = new Set((await productSummaries(db, asked)).map((p) => p.id));
  const candidates = asked.filter((id) => known.has(id));
  return inTransaction(db, async (tx) => {
    const n = await lockHer(tx, customerId);
    const already = candidates.length
      ? new Set(
          (
            await tx
              .select({ productId: favourites.productId })
              .from(favourites)
              .where(and(eq(favourites.customerId, customerId), inArray(favourites.productId, candidates)))
          ).map((r) => r.productId),
        )
      : new Set<string>();
    const fresh = candidates.filter((id) => !already.has(id));
    const room = Math.max(MAX_FAVOURITES - n, 0);
    const joining = fresh.slice(0, room);
    if (joining.length)
      await tx
        .insert(favourites)
        .values(joining.map((productId) => ({ customerId, productId })))
        .onConflictDoNothing();
    return {
      joined: joining.length,
      kept: already.size,
      unknown: asked.length - candidates.length,
      overLimit: fresh.length - joining.length,
    };
  });
}

/** Her favourites, newest first (no check: the caller is her, or staff at her card). */
export async function favouritesOf(db: Executor, customerId: string): Promise<Favourite[]> {
  const rows = await db
    .select()
    .from(favourites)
    .where(eq(favourites.customerId, customerId))
    .orderBy(sql`${favourites.addedAt} DESC`, asc(favourites.productId))
    .limit(MAX_FAVOURITES);
  return rows.map(toFavourite);
}
