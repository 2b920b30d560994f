import { and, asc, count, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { query, type Db, type Executor } from '../../platform/db/connection.ts';
import { requireCustomer, type Principal } from '../../platform/auth.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getVariants } from '../catalog/service.ts';
import { lastPositionsSql, membersSql, personIds, type MergeStep } from '../customers/service.ts';
import { availabilityAtLocation } from '../inventory/service.ts';
import { getLocation, listLocations } from '../locations/service.ts';
import { restockWishes } from './schema.ts';
import './problems.ts';

/** Waiting wishes one member may have at once (a wish list, not a watch on the whole catalogue). */
export const MAX_WAITING_WISHES = 50;

/** A waiting wish as her product page and マイページ show it. */
export interface RestockWishView {
  id: string;
  variantId: string;
  productId: string;
  productName: string;
  options: Record<string, string>;
  /** The store she waits at; null: any store. */
  locationId: string | null;
  locationName: string | null;
  createdAt: string;
}

/** Where she is for "her nearest store": her last position (with her location consent), else her home store. */
async function nearestStoreOf(db: Db, customerId: string): Promise<string | null> {
  const [me] = await query<{ home_location_id: string | null; lat: number | null; lng: number | null }>(
    db,
    sql`SELECT m.home_location_id, pos.lat, pos.lng
          FROM (${membersSql()}) m LEFT JOIN (${lastPositionsSql()}) pos ON pos.customer_id = m.customer_id
         WHERE m.customer_id = ${customerId}`,
  );
  if (!me) return null;
  if (me.lat !== null && me.lng !== null) {
    const [nearest] = await listLocations(db, { near: { lat: me.lat, lng: me.lng }, kind: 'store' });
    if (nearest) return nearest.id;
  }
  if (!me.home_location_id) return null;
  const home = await getLocation(db, me.home_location_id);
  return home.kind === 'store' && home.active ? home.id : null;
}

async function views(db: Db, rows: Array<typeof restockWishes.$inferSelect>): Promise<RestockWishView[]> {
  if (!rows.length) return [];
  const vs = await getVariants(
    db,
    rows.map((r) => r.variantId),
  );
  const stores = new Map((await listLocations(db)).map((l) => [l.id, l.name]));
  return rows.map((r) => {
    const v = vs.get(r.variantId)!;
    return {
      id: r.id,
      variantId: r.variantId,
      productId: v.productId,
      productName: v.productName,
      options: v.options,
      locationId: r.locationId,
      locationName: r.locationId ? (stores.get(r.locationId) ?? null) : null,
      createdAt: r.createdAt.toISOString(),
    };
  });
}

/**
 * 「入荷したら知らせる」: she waits for a variant at a store — the one she names, else her nearest (by her
 * last position, else her home store), else any store. Refused while that store has it (409: she can buy
 * it now). Registering the same wish again answers the waiting one (`created: false`).
 */
export async function addRestockWish(
  db: Db,
  actor: Principal,
  input: { variantId: string; locationId?: string | undefined },
): Promise<{ wish: RestockWishView; created: boolean }> {
  const { customerId } = requireCustomer(actor);
  await getVariants(db, [input.variantId]);
  let locationId: string | null;
  if (input.locationId) {
    const store = await getLocation(db, input.locationId);
    if (store.kind !== 'store' || !store.active)
      throw new DomainError('engagement.restock_not_a_store', { locationId: input.locationId }, [
        { field: 'locationId', message: 'not_a_store' },
      ]);
    locationId = store.id;
  } else locationId = await nearestStoreOf(db, customerId);
  if (locationId) {
    const [level] = await availabilityAtLocation(db, locationId, [input.variantId]);
    if ((level?.available ?? 0) > 0)
      throw new DomainError('engagement.restock_in_stock', { variantId: input.variantId, locationId });
  }
  const waitingHere = and(
    eq(restockWishes.customerId, customerId),
    eq(restockWishes.variantId, input.variantId),
    locationId ? eq(restockWishes.locationId, locationId) : isNull(restockWishes.locationId),
    isNull(restockWishes.notifiedAt),
  );
  const [existing] = await db.select().from(restockWishes).where(waitingHere);
  if (existing) return { wish: (await views(db, [existing]))[0]!, created: false };
  const [waiting] = await db
    .select({ n: count() })
    .from(restockWishes)
    .where(and(eq(restockWishes.customerId, customerId), isNull(restockWishes.notifiedAt)));
  if ((waiting?.n ?? 0) >= MAX_WAITING_WISHES)
    throw new DomainError('engagement.restock_too_many', { max: MAX_WAITING_WISHES });
  // Two taps at once: the partial unique index keeps one waiting wish; the second finds it.
  const [row] = await db
    .insert(restockWishes)
    .values({ id: newId('rsw'), customerId, variantId: input.variantId, locationId })
    .onConflictDoNothing()
    .returning();
  const wish = row ?? (await db.select().from(restockWishes).where(waitingHere))[0]!;
  return { wish: (await views(db, [wish]))[0]!, created: Boolean(row) };
}

/** Her waiting wishes (of one variant, or all), oldest first. */
export async function listRestockWishes(
  db: Db,
  actor: Principal,
  q: { variantId?: string | undefined } = {},
): Promise<RestockWishView[]> {
  const { customerId } = requireCustomer(actor);
  const rows = await db
    .select()
    .from(restockWishes)
    .where(
      and(
        eq(restockWishes.customerId, customerId),
        isNull(restockWishes.notifiedAt),
        q.variantId ? eq(restockWishes.variantId, q.variantId) : undefined,
      ),
    )
    .orderBy(asc(restockWishes.createdAt))
    .limit(MAX_WAITING_WISHES);
  return views(db, rows);
}

/** She no longer waits (取り消す). Another member's wish, or one already answered, is not found. */
export async function removeRestockWish(db: Db, actor: Principal, id: string): Promise<void> {
  const { customerId } = requireCustomer(actor);
  const gone = await db
    .delete(restockWishes)
    .where(and(eq(restockWishes.id, id), eq(restockWishes.customerId, customerId), isNull(restockWishes.notifiedAt)))
    .returning({ id: restockWishes.id });
  if (!gone.length) throw new DomainError('engagement.restock_wish_not_found', { id });
}

/** Her wishes, waiting and answered, for a personal data export. */
export async function exportRestockWishes(db: Executor, customerId: string): Promise<Record<string, unknown>> {
  const rows = await db
    .select()
    .from(restockWishes)
    .where(inArray(restockWishes.customerId, await personIds(db, customerId)))
    .orderBy(asc(restockWishes.createdAt));
  return {
    restockWishes: rows.map((r) => ({
      variantId: r.variantId,
      locationId: r.locationId,
      at: r.createdAt.toISOString(),
      notifiedAt: r.notifiedAt?.toISOString() ?? null,
      outcome: r.outcome,
    })),
  };
}

/** At her erasure: what she waited for, and where, is deleted (answered wishes too: the firing stays for the lift). */
export async function eraseRestockWishes(tx: Executor, customerId: string): Promise<Record<string, number>> {
  const rows = await tx
    .delete(restockWishes)
    .where(inArray(restockWishes.customerId, await personIds(tx, customerId)))
    .returning({ id: restockWishes.id });
  return { restockWishes: rows.length };
}

/**
 * A merge brings the merged record's waiting wishes to the survivor — except one the survivor already waits
 * for (the same variant and store), which stays behind with the merged record; undo moves them back.
 */
export const restockWishesMergeStep: MergeStep = {
  async move(tx, from, to) {
    const moved = await query<{ id: string }>(
      tx,
      sql`UPDATE restock_wishes w SET customer_id = ${to}
           WHERE w.customer_id = ${from} AND w.notified_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM restock_wishes s
                              WHERE s.customer_id = ${to} AND s.variant_id = w.variant_id AND s.notified_at IS NULL
                                AND coalesce(s.location_id, '') = coalesce(w.location_id, ''))
          RETURNING w.id`,
    );
    return { restockWishes: moved.map((m) => m.id) };
  },
  async moveBack(tx, moved, survivorId, restoredId) {
    const ids = Array.isArray(moved.restockWishes) ? (moved.restockWishes as string[]) : [];
    if (!ids.length) return;
    await tx
      .update(restockWishes)
      .set({ customerId: restoredId })
      .where(and(eq(restockWishes.customerId, survivorId), inArray(restockWishes.id, ids)));
  },
};

/**
 * 入荷したら知らせる as demand: wishes registered from `from` until `until` at a store (a wish for any store
 * names none and is left out): variant_id, location_id, created_at. Cancelled and erased wishes are gone.
 * Handed to the stockout analysis (analytics, the same rank) by the composition root.
 */
export function restockRequestsSql(from: Date, until: Date): SQL {
  return sql`SELECT variant_id, location_id, created_at FROM restock_wishes
              WHERE location_id IS NOT NULL AND created_at >= ${from} AND created_at < ${until}`;
}
