import type { Db, Executor } from '../../platform/db/connection.ts';
import { listCategories, normalizeSearch, searchProducts } from '../catalog/service.ts';
import { listCollections } from './collections.ts';
import { listProducts, type Tile } from './listing.ts';

const ROW = 8;

export interface HomeCollection {
  id: string;
  name: string;
  nameEn: string;
  description: string;
  items: Tile[];
}

/**
 * The shop's home in one answer: the featured collections with their first products, the newest arrivals,
 * and — when she has a store — what is in stock there, most bought first. Her recommendations come from
 * the recommendations module's own route (she is signed in; this page is anyone's).
 */
export async function shopHome(
  db: Executor,
  store: string | undefined,
): Promise<{ collections: HomeCollection[]; newArrivals: Tile[]; inStockAtStore: Tile[] | null }> {
  const featured = await listCollections(db, { featuredOnly: true });
  const collections: HomeCollection[] = [];
  for (const c of featured) {
    const { items } = await listProducts(db, { collection: c.id, store, limit: ROW });
    if (items.length) collections.push({ id: c.id, name: c.name, nameEn: c.nameEn, description: c.description, items });
  }
  const newArrivals = (await listProducts(db, { sort: 'new', store, limit: ROW })).items;
  const inStockAtStore = store
    ? (await listProducts(db, { stock: 'store', store, sort: 'popular', limit: ROW })).items
    : null;
  return { collections, newArrivals, inStockAtStore };
}

/**
 * As-you-type suggestions: categories whose name or reading contains what she typed, then products as the
 * search finds them (kana, half-width, 1–2 characters). Names only: a reading is a key, never shown.
 */
export async function suggest(
  db: Db,
  q: string,
): Promise<{ categories: Array<{ id: string; name: string }>; products: Array<{ id: string; name: string }> }> {
  const key = normalizeSearch(q);
  if (!key) return { categories: [], products: [] };
  const categories = (await listCategories(db))
    .filter((c) => normalizeSearch(`${c.name} ${c.nameKana}`).includes(key))
    .slice(0, 3)
    .map((c) => ({ id: c.id, name: c.name }));
  const { items } = await searchProducts(db, { q, limit: 6 });
  return { categories, products: items.map((p) => ({ id: p.id, name: p.name })) };
}
