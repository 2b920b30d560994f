import { seededId } from '../platform/ids.ts';
import type { stockLevels, stockMovements } from '../modules/inventory/schema.ts';
import type { DemoProduct } from './catalog.ts';
import { CHAIN_LOCATIONS, locationIdOf, type ChainLocation } from './chain.ts';
import type { Random } from './prng.ts';
import { HARAJUKU_STORE_ID, SHIBUYA_STORE_ID, SHINJUKU_STORE_ID, SHOWCASE, WAREHOUSE_ID } from './showcase.ts';
import type { StockGroup } from './words.ts';

/**
 * Opening stock, spread the way a real chain's is: the warehouse holds most of the range, each store a
 * share of it with a few of each size, some sizes sold out (a row at 0) or never sent (no row), café
 * items only where there is a café counter. Some products are sold out in Shibuya but waiting in
 * Harajuku or Shinjuku, so "in stock at a store nearby" shows up on its own, not only in the showcase.
 */

/** Units per variant: [min, max] on a store shelf and in the warehouse. */
const QUANTITIES: Record<StockGroup, { store: [number, number]; warehouse: [number, number] }> = {
  apparel: { store: [1, 8], warehouse: [10, 120] },
  shoes: { store: [1, 4], warehouse: [6, 60] },
  goods: { store: [2, 15], warehouse: [20, 200] },
  food: { store: [4, 36], warehouse: [40, 400] },
  cafe: { store: [30, 120], warehouse: [0, 0] }, // portions the counter can make today
};

const SOLD_OUT_NEARBY = 0.07; // share of products sold out in Shibuya but stocked in Harajuku or Shinjuku

export interface StockPlan {
  levels: Array<typeof stockLevels.$inferInsert>;
  movements: Array<typeof stockMovements.$inferInsert>;
}

type Levels = Map<string, { variantId: string; locationId: string; onHand: number }>;

const STORES = CHAIN_LOCATIONS.filter((l) => l.kind === 'store');

export function planStock(items: readonly DemoProduct[], rng: Random): StockPlan {
  const levels: Levels = new Map();
  const set = (variantId: string, locationId: string, onHand: number) =>
    levels.set(`${variantId}|${locationId}`, { variantId, locationId, onHand });
  const drop = (variantId: string, locationId: string) => levels.delete(`${variantId}|${locationId}`);

  for (const item of items) {
    if (item.showcase) continue;
    if (item.group === 'cafe') {
      for (const store of STORES.filter((s) => s.services.orderAhead)) {
        for (const v of item.variants) set(v.id, locationIdOf(store), rng.int(...QUANTITIES.cafe.store));
      }
      continue;
    }
    for (const loc of CHAIN_LOCATIONS) stockLocation(item, loc, rng, set);
    if (rng.chance(SOLD_OUT_NEARBY)) {
      const nearby = rng.pick([HARAJUKU_STORE_ID, SHINJUKU_STORE_ID]);
      for (const v of item.variants) {
        set(v.id, SHIBUYA_STORE_ID, 0);
        set(v.id, nearby, rng.low(1, 4));
      }
    }
  }
  stockShowcase(items, rng, set, drop);

  const rows = [...levels.values()];
  let movementN = 0;
  return {
    levels: rows,
    // The ledger explains every unit: one opening receipt per non-empty shelf.
    movements: rows
      .filter((l) => l.onHand > 0)
      .map((l) => ({
        id: seededId('mov', ++movementN),
        variantId: l.variantId,
        locationId: l.locationId,
        kind: 'receipt' as const,
        quantity: l.onHand,
        onHandAfter: l.onHand,
        reason: '初期在庫',
        reference: 'demo',
      })),
  };
}

type SetLevel = (variantId: string, locationId: string, onHand: number) => void;

function stockLocation(item: DemoProduct, loc: ChainLocation, rng: Random, set: SetLevel) {
  const q = QUANTITIES[item.group];
  const locationId = locationIdOf(loc);
  // Food and drink sit on every store's shelves more often than a given jacket does.
  const carried =
    loc.kind === 'warehouse' ? loc.assortment : Math.min(0.95, loc.assortment + (item.group === 'food' ? 0.25 : 0));
  if (!rng.chance(carried)) return;
  for (const v of item.variants) {
    const r = rng.next();
    if (loc.kind === 'warehouse') set(v.id, locationId, r < 0.04 ? 0 : rng.int(...q.warehouse));
    else if (r < 0.3)
      continue; // this size or colour was never sent here
    else if (r < 0.42)
      set(v.id, locationId, 0); // sold out
    else set(v.id, locationId, rng.low(...q.store));
  }
}

function stockShowcase(
  items: readonly DemoProduct[],
  rng: Random,
  set: SetLevel,
  drop: (variantId: string, locationId: string) => void,
) {
  const byKey = new Map(items.filter((i) => i.showcase).map((i) => [i.showcase!, i]));
  const product = (key: keyof typeof SHOWCASE) => byKey.get(key)!;

  // The jacket: sold out in Shibuya, the Navy M only in Harajuku (1.3 km away) and in the warehouse.
  const jacket = SHOWCASE.jacket.variantId;
  for (const v of product('jacket').variants) {
    for (const s of STORES) drop(v.id, locationIdOf(s));
    set(v.id, SHIBUYA_STORE_ID, 0);
    set(v.id, HARAJUKU_STORE_ID, v.id === jacket ? 2 : rng.low(1, 3));
    set(v.id, SHINJUKU_STORE_ID, v.id === jacket ? 0 : rng.low(1, 3));
    set(v.id, WAREHOUSE_ID, rng.int(8, 30));
  }

  // The latte: on every café counter's menu.
  for (const v of product('latte').variants) {
    for (const s of STORES.filter((x) => x.services.orderAhead)) set(v.id, locationIdOf(s), rng.int(60, 120));
  }

  // The sneaker: Shibuya has most sizes, but the white 24.5cm is in the warehouse only (endless aisle).
  const sneaker = SHOWCASE.sneaker.variantId;
  for (const v of product('sneaker').variants) {
    for (const s of STORES) {
      if (v.id === sneaker) set(v.id, locationIdOf(s), 0);
      else if (s.n === 1 || rng.chance(s.assortment)) set(v.id, locationIdOf(s), rng.low(1, 4));
    }
    set(v.id, WAREHOUSE_ID, v.id === sneaker ? 24 : rng.int(10, 40));
  }

  // The umbrella: every store has some for the rainy-day coupon.
  for (const v of product('umbrella').variants) {
    for (const s of STORES) set(v.id, locationIdOf(s), rng.int(8, 30));
    set(v.id, WAREHOUSE_ID, 200);
  }
}
