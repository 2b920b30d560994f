import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { readOne, readPart, type ReadPart } from '../../platform/db/read-parts.ts';
import { requireCustomer, type Principal } from '../../platform/auth.ts';
import { activeVariantsOf, productSummaries, type ProductImage } from '../catalog/service.ts';
import { loadCustomer } from '../customers/service.ts';
import { availabilityAtLocation } from '../inventory/service.ts';
import { getLocation, listLocations } from '../locations/service.ts';
import { favouritesOf, MAX_FAVOURITES, type Favourite } from './favourites.ts';

/** At or below this many available at her store, a favourite shows 残りわずか (as the product page does). */
export const LOW_STOCK = 3;

export type StockBadge = 'in_stock' | 'low' | 'out';

const badgeOf = (available: number): StockBadge =>
  available <= 0 ? 'out' : available <= LOW_STOCK ? 'low' : 'in_stock';

/** One favourite on her お気に入り screen: the product, its price, and its stock at her store. */
export interface FavouriteView {
  productId: string;
  name: string;
  status: 'active' | 'archived';
  priceMin: number | null;
  priceMax: number | null;
  image: ProductImage | null;
  addedAt: string;
  /** Units available at her store over the product's variants; null: no store to say. */
  available: number | null;
  badge: StockBadge | null;
  /** Each variant at her store: 入荷お知らせ is asked for a variant that store has none of. */
  variants: Array<{
    id: string;
    options: Record<string, string>;
    price: number;
    available: number | null;
  }>;
}

export interface FavouriteList {
  /** The store whose stock is shown: the one named, else the nearest to `near`, else her home store. */
  store: { id: string; name: string } | null;
  items: FavouriteView[];
  limit: number;
}

/** Which store "her store" is for this list. */
async function storeFor(
  db: Db,
  customerId: string,
  q: { locationId?: string | undefined; near?: { lat: number; lng: number } | undefined },
): Promise<{ id: string; name: string } | null> {
  if (q.locationId) {
    const named = await getLocation(db, q.locationId);
    return { id: named.id, name: named.name };
  }
  if (q.near) {
    const [nearest] = await listLocations(db, { near: q.near, kind: 'store' });
    if (nearest) return { id: nearest.id, name: nearest.name };
  }
  const me = await loadCustomer(db, customerId);
  if (!me.homeLocationId) return null;
  const home = await getLocation(db, me.homeLocationId);
  return home.active ? { id: home.id, name: home.name } : null;
}

/** Favourites as shown: product, price range, and stock at `store` (none given: stock not said). */
async function viewsAt(db: Db, kept: Favourite[], store: { id: string } | null): Promise<FavouriteView[]> {
  const ids = kept.map((f) => f.productId);
  const [summaries, variantsBy] = await Promise.all([productSummaries(db, ids), activeVariantsOf(db, ids)]);
  const allVariants = [...variantsBy.values()].flat().map((v) => v.id);
  const levels =
    store && allVariants.length
      ? new Map((await availabilityAtLocation(db, store.id, allVariants)).map((l) => [l.variantId, l.available]))
      : null;
  const byId = new Map(summaries.map((s) => [s.id, s]));
  return kept.flatMap((f): FavouriteView[] => {
    const p = byId.get(f.productId);
    if (!p) return [];
    const vs = (variantsBy.get(f.productId) ?? []).map((v) => ({
      id: v.id,
      options: v.options,
      price: v.price,
      available: levels ? (levels.get(v.id) ?? 0) : null,
    }));
    const available = levels ? vs.reduce((n, v) => n + (v.available ?? 0), 0) : null;
    return [
      {
        productId: p.id,
        name: p.name,
        status: p.status,
        priceMin: p.priceMin,
        priceMax: p.priceMax,
        image: p.image,
        addedAt: f.addedAt,
        available,
        badge: available === null ? null : badgeOf(available),
        variants: vs,
      },
    ];
  });
}

/** Her favourites, newest first, each with its price range and stock at her store (one page: at most 500). */
export async function listFavourites(
  db: Db,
  actor: Principal,
  q: { locationId?: string | undefined; near?: { lat: number; lng: number } | undefined } = {},
): Promise<FavouriteList> {
  const { customerId } = requireCustomer(actor);
  const [kept, store] = await Promise.all([favouritesOf(db, customerId), storeFor(db, customerId, q)]);
  return { store, items: await viewsAt(db, kept, store), limit: MAX_FAVOURITES };
}

/**
 * For the clienteling card (the clerk is checked there): how many she keeps, and the newest `max` with
 * their stock at the clerk's store.
 */
export async function favouritesAtStore(
  db: Db,
  customerId: string,
  locationId: string,
  max: number,
): Promise<{ count: number; items: FavouriteView[] }> {
  return readOne(db, favouritesAtStorePart(db, customerId, locationId, max));
}

/** favouritesAtStore as a part of a larger read (platform/db/read-parts.ts): the count rides on the newest. */
export function favouritesAtStorePart(
  db: Db,
  customerId: string,
  locationId: string,
  max: number,
): ReadPart<{ count: number; items: FavouriteView[] }> {
  return readPart<Favourite & { n: number }, { count: number; items: FavouriteView[] }>(
    sql`SELECT product_id AS "productId", added_at AS "addedAt", count(*) OVER () AS n
          FROM favourites WHERE customer_id = ${customerId}
         ORDER BY added_at DESC, product_id LIMIT ${max}`,
    async (rows) => ({
      count: Math.min(Number(rows[0]?.n ?? 0), MAX_FAVOURITES),
      items: rows.length
        ? await viewsAt(
            db,
            rows.map((r) => ({ productId: r.productId, addedAt: new Date(r.addedAt).toISOString() })),
            { id: locationId },
          )
        : [],
    }),
  );
}
