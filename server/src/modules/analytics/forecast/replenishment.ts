import type { Db } from '../../../platform/db/connection.ts';
import { getVariants } from '../../catalog/service.ts';
import { availabilityAt, availabilityOfVariants, type Level } from '../../inventory/service.ts';
import { distanceKm, getLocation, listLocations } from '../../locations/service.ts';
import { recentDemand, type ItemForecast } from './demand-forecast.ts';
import { keptForecast, keptRecentSales } from './kept-forecast.ts';

/**
 * 補充提案: what a location should get so that its available stock covers the forecast demand over the
 * lead time plus safety stock — from a store nearby with more than it needs (a transfer) before anything
 * is bought. Safety stock = z × σ × √lead, σ the item's daily units' standard deviation over 28 days and
 * z the normal quantile of the service level (the chance of not running out before the goods arrive).
 * Stock on its way here counts. A source keeps what it will sell itself over the lead time and a week after (at its last 28 days' rate).
 */
export const SERVICE_LEVELS = { '0.9': 1.2816, '0.95': 1.6449, '0.98': 2.0537, '0.99': 2.3263 } as const;
export type ServiceLevel = keyof typeof SERVICE_LEVELS;
/** Stores this close may send stock; warehouses always may. */
export const NEARBY_KM = 30;

export interface TransferSuggestion {
  fromLocationId: string;
  fromName: string;
  km: number;
  quantity: number;
}

export interface Suggestion {
  variantId: string;
  productName: string;
  options: Record<string, string>;
  jan: string;
  /** Forecast units over the lead time. */
  forecast: number;
  safety: number;
  available: number;
  /** Sent here and not yet received. */
  incoming: number;
  /** Units missing: ceil(forecast + safety − available − incoming). */
  shortfall: number;
  transfers: TransferSuggestion[];
  /** What no nearby location can spare: to buy. */
  purchase: number;
}

/** How many suggestions the screen asks for at once (the largest shortfalls); the CSV takes them all. */
export const REPLENISHMENT_PAGE = 100;

/**
 * The location's suggestions, largest shortfall first: the first `limit` of them (all without one) and
 * how many there are. Each item's transfers are its own (no two items share a variant), so the first
 * `limit` are exactly the head of the whole list — only theirs are read chain-wide.
 */
export async function suggestReplenishment(
  db: Db,
  opts: { locationId: string; leadDays?: number; serviceLevel?: ServiceLevel; asOf?: Date; limit?: number },
): Promise<{ locationId: string; leadDays: number; serviceLevel: ServiceLevel; total: number; items: Suggestion[] }> {
  const leadDays = opts.leadDays ?? 7;
  const serviceLevel = opts.serviceLevel ?? '0.95';
  const z = SERVICE_LEVELS[serviceLevel];
  const here = await getLocation(db, opts.locationId);
  const forecast = await keptForecast(db, { locationId: opts.locationId, ...(opts.asOf ? { asOf: opts.asOf } : {}) });
  const locations = await listLocations(db);
  const plan = (items: ItemForecast[], levels: Level[], sold: Map<string, number>) =>
    planReplenishment({ here, items, levels, sold, locations, leadDays, z });
  // The items short here first (this location's stock alone: a store's thousands of items), then only
  // the page's read at every location with what each sold — not every item of the forecast chain-wide.
  const shortHere = plan(forecast.items, await availabilityAt(db, here.id), new Map());
  const page = opts.limit === undefined ? shortHere : shortHere.slice(0, opts.limit);
  const short = new Set(page.map((i) => i.variantId));
  const needed = forecast.items.filter((i) => short.has(i.variantId));
  const variantIds = needed.map((i) => i.variantId);
  const levels = await availabilityOfVariants(db, variantIds);
  const sold =
    (opts.asOf ? null : await keptRecentSales(db, variantIds)) ??
    (await recentDemand(db, { days: 28, ...(opts.asOf ? { asOf: opts.asOf } : {}) }));
  const items = plan(needed, levels, sold);
  const names = await getVariants(
    db,
    items.map((i) => i.variantId),
  );
  for (const i of items) {
    const v = names.get(i.variantId);
    i.productName = v?.productName ?? '';
    i.options = v?.options ?? {};
    i.jan = v?.jan ?? '';
  }
  return { locationId: here.id, leadDays, serviceLevel, total: shortHere.length, items };
}

type Place = { id: string; name: string; kind: string; lat: number; lng: number };

/**
 * The suggestions from what they are made of (pure: the benchmark feeds it the same inputs read by hand
 * from the raw tables): the location's forecast items, every variant × location's stock level, units sold
 * per `variant|location` over the last 28 days, the active locations. Largest shortfall first, no names.
 */
export function planReplenishment(input: {
  here: Place;
  items: ItemForecast[];
  levels: Array<{ variantId: string; locationId: string; available: number; inTransit: number }>;
  sold: Map<string, number>;
  locations: Place[];
  leadDays: number;
  z: number;
}): Suggestion[] {
  const { here, leadDays, z, sold } = input;
  const needs = input.items.map((i) => {
    const f = i.daily.slice(0, leadDays).reduce((s, v) => s + v, 0);
    return { item: i, forecast: f, safety: z * i.sd28 * Math.sqrt(leadDays) };
  });
  const available = new Map(input.levels.map((l) => [`${l.variantId}|${l.locationId}`, l.available]));
  // On its way here (a transfer sent, not yet received) counts as cover: an accepted suggestion is not made twice.
  const incoming = new Map(input.levels.map((l) => [`${l.variantId}|${l.locationId}`, l.inTransit]));
  const sources = input.locations
    .filter((l) => l.id !== here.id)
    .map((l) => ({ l, km: Math.round(distanceKm(here, l) * 10) / 10 }))
    .filter(({ l, km }) => l.kind === 'warehouse' || km <= NEARBY_KM)
    // Stores nearby first (a short trip), then warehouses.
    .sort((a, b) => (a.l.kind === b.l.kind ? a.km - b.km : a.l.kind === 'store' ? -1 : 1));
  const taken = new Map<string, number>();
  const items: Suggestion[] = [];
  for (const n of needs) {
    const v = n.item.variantId;
    const have = available.get(`${v}|${here.id}`) ?? 0;
    const coming = incoming.get(`${v}|${here.id}`) ?? 0;
    const shortfall = Math.ceil(n.forecast + n.safety - have - coming);
    if (shortfall <= 0) continue;
    let missing = shortfall;
    const transfers: TransferSuggestion[] = [];
    for (const { l, km } of sources) {
      if (missing <= 0) break;
      const key = `${v}|${l.id}`;
      const keep = Math.ceil(((sold.get(key) ?? 0) / 28) * (leadDays + 7));
      const spare = (available.get(key) ?? 0) - keep - (taken.get(key) ?? 0);
      if (spare <= 0) continue;
      const quantity = Math.min(spare, missing);
      transfers.push({ fromLocationId: l.id, fromName: l.name, km, quantity });
      taken.set(key, (taken.get(key) ?? 0) + quantity);
      missing -= quantity;
    }
    items.push({
      variantId: v,
      productName: '',
      options: {},
      jan: '',
      forecast: Math.round(n.forecast * 10) / 10,
      safety: Math.round(n.safety * 10) / 10,
      available: have,
      incoming: coming,
      shortfall,
      transfers,
      purchase: missing,
    });
  }
  return items.sort((a, b) => b.shortfall - a.shortfall || a.variantId.localeCompare(b.variantId));
}
