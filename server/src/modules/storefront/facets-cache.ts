import { LRUCache } from 'lru-cache';
import type { Executor } from '../../platform/db/connection.ts';
import { listingFacets, type Facet, type ListingQuery } from './listing.ts';

export interface Facets {
  sizes: Facet[];
  colours: Facet[];
}

/** How long a listing's size and colour counts are kept: they move with the catalogue, not with each visit. */
export const FACETS_TTL_MS = 60_000;

/**
 * The listing's facets, read at most once a minute per search/category/collection in this app copy.
 * Without a category or a search they count every active variant of the catalogue (200,000 at a large
 * chain), which is not a statement to run for every page turn; concurrent misses of the same key share
 * one reading. The counts may lag a catalogue change by up to `ttlMs` (the products listed do not).
 */
export function facetsCache(ttlMs = FACETS_TTL_MS, max = 1000) {
  const cache = new LRUCache<string, Facets, { db: Executor; q: ListingQuery }>({
    max,
    ttl: ttlMs,
    fetchMethod: (_key, _stale, { context }) => listingFacets(context.db, context.q),
  });
  return async (db: Executor, q: ListingQuery): Promise<Facets> => {
    const key = JSON.stringify([q.q ?? '', q.category ?? '', q.collection ?? '']);
    return (await cache.fetch(key, { context: { db, q } }))!;
  };
}
