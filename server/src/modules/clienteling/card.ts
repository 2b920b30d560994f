import { sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import type { Tier } from '../customers/service.ts';
import { interestEventTypes, onlineChannels } from '../events/service.ts';
import { favouritesAtStorePart, type FavouriteView } from '../favourites/service.ts';
import { reviewsOfMemberPart, type MemberReviews } from '../reviews/service.ts';
import { nextAppointmentPart, noShowCountPart, type AppointmentView } from '../appointments/service.ts';
import { issuedCouponsPart, type IssuedCoupon } from '../promotions/service.ts';
import { availabilityAtLocation } from '../inventory/service.ts';
import { getLocation, listLocations } from '../locations/service.ts';
import {
  memberPurchasesPart,
  openCollectionsPart,
  type MemberPurchase,
  type OpenCollection,
} from '../orders/service.ts';
import { readPart, readTogether, type ReadPart } from '../../platform/db/read-parts.ts';
import {
  foldInterests,
  MAX_INTERESTS,
  withStock,
  type CatalogNames,
  type Interest,
  type InterestEvent,
} from './interests.ts';

/**
 * The clienteling card: everything a clerk needs on one screen when a member is scanned at the till.
 *
 * It is read in two statements that run side by side — the summary (points, last visits, holds, notes)
 * and the interests (online events → catalog → stock here) — prepared once per connection, because a
 * scan happens with the customer waiting: a round trip or a query plan per part would cost more than the
 * parts themselves. This module therefore
 * reads a few other modules' tables in plain SQL (point_entries, reservations, staff_notes, stock_levels,
 * variants); those reads are the candidates for read functions in the owners' services.
 */
export interface ClientelingCard {
  customer: {
    id: string;
    name: string | null;
    nameKana: string | null;
    greeting: string;
    memberNumber: string;
    memberSince: string;
    tier: Tier;
  };
  points: { balance: number };
  lastVisits: Array<{
    channel: string;
    type: string;
    at: string;
    locationId: string | null;
    locationName: string | null;
  }>;
  interests: Interest[];
  holds: Array<{
    id: string;
    reason: string;
    expiresAt: string;
    lines: Array<{
      variantId: string;
      productName: string | null;
      locationId: string;
      locationName: string | null;
      quantity: number;
    }>;
  }>;
  notes: Array<{
    id: string;
    body: string;
    staffId: string;
    staffName: string | null;
    locationId: string | null;
    createdAt: string;
  }>;
  /** Three products to offer her: in stock at this store, not already bought (おすすめ). */
  suggestions: CardSuggestion[];
  /** お気に入り: how many she keeps, and the newest CARD_FAVOURITES with their stock at this store. */
  favourites: { count: number; items: FavouriteView[] };
  /** What she bought lately in any channel, each line with its size and colour as sold. */
  purchases: MemberPurchase[];
  /** Her holds, pickups and mobile orders waiting at a counter (this store's or another's). */
  collections: OpenCollection[];
  /** レビュー: how many she wrote, her average, and the latest CARD_REVIEWS (hidden ones marked). */
  reviews: MemberReviews;
  /** 来店予約: her next appointment at any store (null: none), and her 無断キャンセル so far. */
  appointment: { next: AppointmentView | null; noShowCount: number };
}

/** How many order lines of her purchase history the card lists. */
export const CARD_PURCHASES = 10;

/** How many of her reviews the card lists. */
export const CARD_REVIEWS = 3;

/** How many of her favourites the card lists (the count says how many more there are). */
export const CARD_FAVOURITES = 10;

/** A product the clerk can offer her, with the units on this store's shelf. */
export interface CardSuggestion {
  productId: string;
  name: string;
  priceMin: number;
  priceMax: number;
  available: number;
  /** The product of her history it is suggested for (「○○をお求めの方に」), or null when it is simply popular. */
  basedOn: string | null;
}

/**
 * Where the card's suggestions come from: recommendations ranks above clienteling, so the composition root
 * (server.ts) hands its reader in. Without one the card has none.
 */
export type SuggestAtStore = (db: Db, customerId: string, locationId: string) => ReadPart<CardSuggestion[]>;

/** How many suggestions the card shows. */
export const CARD_SUGGESTIONS = 3;

export interface CardCustomer {
  id: string;
  memberNumber: string;
  name: string | null;
  nameKana: string | null;
  tier: Tier;
  createdAt: Date;
}

export const INTEREST_DAYS = 30;
const MAX_INTEREST_EVENTS = 200;
const MAX_NOTES = 5;
/**
 * Last visits come from the member's newest events only: channel is not in the timeline index, so
 * finding a channel she has not used for a long time would read her whole history (a heavy app user has
 * tens of thousands of events). A channel last used before these shows as no visit. An index on
 * customer_events (customer_id, channel, occurred_at, id) would make this exact at any size.
 */
const VISIT_SCAN_LIMIT = 1000;

/** How a clerk greets the member: the family name (the part before the first space) and 様. */
export function greeting(name: string | null): string {
  const family = name
    ?.normalize('NFKC')
    .trim()
    .split(/[\s\u3000]+/)[0];
  return family ? `${family}様` : 'お客様';
}

const iso = (pgTime: string) => new Date(pgTime).toISOString();

interface SummaryRow {
  balance: string | number;
  visits: Array<{ channel: string; type: string; at: string; locationId: string | null; locationName: string | null }>;
  holds: Array<{
    id: string;
    reason: string;
    expiresAt: string;
    variantId: string;
    productName: string | null;
    locationId: string;
    locationName: string | null;
    quantity: number;
  }>;
  notes: Array<{
    id: string;
    body: string;
    staffId: string;
    staffName: string | null;
    locationId: string | null;
    createdAt: string;
  }>;
}

/**
 * Points balance, the latest event per channel (the scan being made now left out: it is not a previous
 * visit; store first, then app, web, LINE), active holds (reservations whose reference is the customer id) and the latest notes.
 */
export function summaryStatement(customerId: string, scanEventId: string): SQL {
  return sql`SELECT
      (SELECT coalesce(sum(points), 0) FROM point_entries WHERE customer_id = ${customerId}) AS balance,
      (SELECT coalesce(json_agg(json_build_object('channel', e.channel, 'type', e.type, 'at', e.occurred_at, 'locationId', e.location_id, 'locationName', l.name)
                                ORDER BY array_position(ARRAY['store', 'app', 'web', 'line'], e.channel)), '[]')
         FROM (SELECT DISTINCT ON (channel) channel, type, occurred_at, location_id
                 FROM (SELECT channel, type, occurred_at, location_id, id FROM customer_events
                        WHERE customer_id = ${customerId} AND id <> ${scanEventId}
                        ORDER BY occurred_at DESC, id DESC LIMIT ${VISIT_SCAN_LIMIT}) recent
                ORDER BY channel, occurred_at DESC, id DESC) e
         LEFT JOIN locations l ON l.id = e.location_id) AS visits,
      (SELECT coalesce(json_agg(json_build_object('id', r.id, 'reason', r.reason, 'expiresAt', r.expires_at, 'variantId', rl.variant_id, 'productName', p.name,
                                                  'locationId', rl.location_id, 'locationName', loc.name, 'quantity', rl.quantity)
                                ORDER BY r.expires_at, r.id, rl.variant_id), '[]')
         FROM reservations r
         JOIN reservation_lines rl ON rl.reservation_id = r.id
         LEFT JOIN variants v ON v.id = rl.variant_id
         LEFT JOIN products p ON p.id = v.product_id
         LEFT JOIN locations loc ON loc.id = rl.location_id
        WHERE r.reference = ${customerId} AND r.status = 'active' AND r.expires_at > now()) AS holds,
      (SELECT coalesce(json_agg(json_build_object('id', n.id, 'body', n.body, 'staffId', n.staff_id, 'staffName', n.staff_name, 'locationId', n.location_id, 'createdAt', n.created_at)
                                ORDER BY n.created_at DESC, n.id DESC), '[]')
         FROM (SELECT sn.*, s.name AS staff_name FROM staff_notes sn LEFT JOIN staff_users s ON s.id = sn.staff_id
                WHERE sn.customer_id = ${customerId} ORDER BY sn.created_at DESC, sn.id DESC LIMIT ${MAX_NOTES}) n) AS notes`;
}

function summaryPart(customerId: string, scanEventId: string) {
  // A SELECT of scalar subqueries always answers exactly one row.
  return readPart<SummaryRow, Pick<ClientelingCard, 'lastVisits' | 'holds' | 'notes'> & { balance: number }>(
    summaryStatement(customerId, scanEventId),
    ([r]) => {
      const holds = new Map<string, ClientelingCard['holds'][number]>();
      for (const line of r!.holds) {
        let hold = holds.get(line.id);
        if (!hold)
          holds.set(line.id, (hold = { id: line.id, reason: line.reason, expiresAt: iso(line.expiresAt), lines: [] }));
        hold.lines.push({
          variantId: line.variantId,
          productName: line.productName,
          locationId: line.locationId,
          locationName: line.locationName,
          quantity: Number(line.quantity),
        });
      }
      return {
        balance: Number(r!.balance),
        lastVisits: r!.visits.map((v) => ({ ...v, at: iso(v.at) })),
        holds: [...holds.values()],
        notes: r!.notes.map((n) => ({ ...n, createdAt: iso(n.createdAt) })),
      };
    },
  );
}

interface InterestRow {
  type: InterestEvent['type'];
  at: string;
  productId: string | null;
  variantId: string | null;
  quantity: string | null;
  removed: string | null;
  /** The product the event is about, as the catalog knows it (through the variant when there is one). */
  pid: string | null;
  productName: string | null;
  knownVariant: boolean;
  options: Record<string, string> | null;
}

interface StockRow {
  productId: string;
  variantId: string;
  available: number;
  due: boolean;
}

/**
 * Her product_viewed / cart_updated / favorited events online in the last INTEREST_DAYS, with what the
 * catalog calls the products, and the stock at this store of what the card will count (see withStock).
 */
export function interestsStatement(customerId: string, locationId: string): SQL {
  return sql`WITH ev AS (
          SELECT id, type, occurred_at, payload->>'productId' AS product_id, payload->>'variantId' AS variant_id,
                 payload->>'quantity' AS quantity, payload->>'removed' AS removed
            FROM customer_events
           WHERE customer_id = ${customerId}
             AND occurred_at > now() - make_interval(days => ${INTEREST_DAYS})
             AND type = ANY(${sql.param([...interestEventTypes])}::text[])
             AND channel = ANY(${sql.param([...onlineChannels])}::text[])
           ORDER BY occurred_at DESC, id DESC
           LIMIT ${MAX_INTEREST_EVENTS}
        ), named AS (
          -- Variants and stock rows are found by key, row by row (LATERAL … LIMIT): left to flatten them
          -- into joins, the planner hashes the whole catalog or the store's stock for a handful of events.
          SELECT ev.*, coalesce(v.product_id, p.id) AS pid, coalesce(v.product_name, p.name) AS product_name, v.id IS NOT NULL AS known_variant, v.options
            FROM ev
            LEFT JOIN LATERAL (SELECT id, product_id, options, (SELECT name FROM products WHERE products.id = variants.product_id) AS product_name
                                 FROM variants WHERE id = ev.variant_id LIMIT 1) v ON true
            LEFT JOIN products p ON p.id = ev.product_id
        ), shown AS (
          SELECT pid, bool_or(known_variant) AS chosen FROM named WHERE pid IS NOT NULL GROUP BY pid ORDER BY max(occurred_at) DESC LIMIT ${MAX_INTERESTS}
        ), wanted AS (
          -- Stock of the variants she chose; of every variant of a product when she chose none.
          SELECT DISTINCT n.variant_id AS variant_id, n.pid FROM named n JOIN shown ON shown.pid = n.pid WHERE n.known_variant
          UNION ALL
          SELECT v.id, v.product_id FROM shown
           CROSS JOIN LATERAL (SELECT id, product_id FROM variants WHERE product_id = shown.pid OFFSET 0) v -- OFFSET 0: the same fence
           WHERE NOT shown.chosen
        )
        SELECT
          (SELECT json_agg(json_build_object('type', type, 'at', occurred_at, 'productId', product_id, 'variantId', variant_id, 'quantity', quantity,
                                             'removed', removed, 'pid', pid, 'productName', product_name, 'knownVariant', known_variant, 'options', options)
                           ORDER BY occurred_at DESC, id DESC)
             FROM named WHERE pid IN (SELECT pid FROM shown)) AS events,
          (SELECT json_agg(json_build_object('productId', w.pid, 'variantId', s.variant_id, 'available', greatest(s.on_hand - s.reserved, 0),
                                             'due', s.next_expiry IS NOT NULL AND s.next_expiry <= now()))
             FROM wanted w
             CROSS JOIN LATERAL (SELECT variant_id, on_hand, reserved, next_expiry FROM stock_levels WHERE variant_id = w.variant_id AND location_id = ${locationId} LIMIT 1) s) AS stock`;
}

function interestsPart(db: Db, customerId: string, locationId: string) {
  return readPart<{ events: InterestRow[] | null; stock: StockRow[] | null }, Interest[]>(
    interestsStatement(customerId, locationId),
    ([row]) => interestsOf(db, row, locationId),
  );
}

async function interestsOf(
  db: Db,
  row: { events: InterestRow[] | null; stock: StockRow[] | null } | undefined,
  locationId: string,
): Promise<Interest[]> {
  const rows = row?.events ?? [];
  const names: CatalogNames = { variants: new Map(), products: new Map() };
  for (const r of rows) {
    if (!r.pid || !r.productName) continue;
    names.products.set(r.pid, r.productName);
    if (r.knownVariant && r.variantId)
      names.variants.set(r.variantId, { productId: r.pid, productName: r.productName, options: r.options ?? {} });
  }
  const events: InterestEvent[] = rows.map((r) => ({
    type: r.type,
    at: iso(r.at),
    // Resolved to what the catalog knows: a variant id it does not know is dropped, its product kept.
    productId: r.pid,
    variantId: r.knownVariant ? r.variantId : null,
    quantity: r.quantity === null ? null : Number(r.quantity),
    removed: r.removed === 'true',
  }));
  const stock = new Map(
    (row?.stock ?? []).map((s) => [s.variantId, { productId: s.productId, available: Number(s.available) }]),
  );
  // A hold past its deadline still counts as reserved until swept; the inventory service sweeps and re-reads.
  const due = (row?.stock ?? []).filter((s) => s.due).map((s) => s.variantId);
  if (due.length)
    for (const level of await availabilityAtLocation(db, locationId, due))
      stock.get(level.variantId)!.available = level.available;
  return nearbyStock(db, withStock(foldInterests(events, names), stock), locationId);
}

/**
 * For what this store lacks, the nearest other store that has it: "原宿店にございます（1.3 km）". Only
 * runs when something is missing here: one read of those variants' stock in other stores.
 */
async function nearbyStock(db: Db, items: Interest[], locationId: string): Promise<Interest[]> {
  const missing = items.filter((i) => !i.inStock);
  if (!missing.length) return items;
  const wanted = missing.flatMap((i) =>
    i.variants.length ? i.variants.map((v) => [v.variantId, i.productId] as const) : [],
  );
  const products = missing.filter((i) => !i.variants.length).map((i) => i.productId);
  const rows = await query<{ product_id: string; location_id: string; available: number }>(
    db,
    // The variants first (those named, and every variant of the products named), then their rows by key:
    // an OR across the two would scan every stock row of the chain (≈ 100 ms at 100k members' catalog).
    sql`WITH ids AS (SELECT unnest(${sql.param(wanted.map(([v]) => v))}::text[]) AS id UNION SELECT id FROM variants WHERE product_id = ANY(${sql.param(products)}::text[]))
        SELECT v.product_id, s.location_id, sum(greatest(s.on_hand - s.reserved, 0))::int AS available
          FROM ids JOIN stock_levels s ON s.variant_id = ids.id JOIN variants v ON v.id = s.variant_id JOIN locations l ON l.id = s.location_id
         WHERE s.location_id <> ${locationId} AND l.kind = 'store' AND l.active AND s.on_hand - s.reserved > 0
         GROUP BY v.product_id, s.location_id`,
  );
  if (!rows.length) return items;
  const here = await getLocation(db, locationId);
  const stores = new Map(
    (await listLocations(db, { near: { lat: here.lat, lng: here.lng }, kind: 'store' })).map((l) => [l.id, l]),
  );
  for (const item of missing) {
    const best = rows
      .filter((r) => r.product_id === item.productId && stores.has(r.location_id))
      .map((r) => ({ r, loc: stores.get(r.location_id)! }))
      .sort((a, b) => (a.loc.distanceKm ?? 0) - (b.loc.distanceKm ?? 0))[0];
    if (best)
      item.nearby = {
        locationId: best.loc.id,
        name: best.loc.name,
        distanceKm: best.loc.distanceKm ?? 0,
        available: best.r.available,
      };
  }
  return items;
}

const noSuggestions = readPart<never, CardSuggestion[]>(sql`SELECT 1 WHERE false`, () => []);

/** The card's parts, each module's own (read together by buildCard; the benchmark sends their statement). */
export function cardParts(
  db: Db,
  customerId: string,
  locationId: string,
  scanEventId: string,
  suggest?: SuggestAtStore,
) {
  return {
    summary: summaryPart(customerId, scanEventId),
    interests: interestsPart(db, customerId, locationId),
    suggestions: suggest ? suggest(db, customerId, locationId) : noSuggestions,
    favourites: favouritesAtStorePart(db, customerId, locationId, CARD_FAVOURITES),
    purchases: memberPurchasesPart(customerId, CARD_PURCHASES),
    collections: openCollectionsPart(customerId),
    reviews: reviewsOfMemberPart(db, customerId, CARD_REVIEWS),
    next: nextAppointmentPart(db, customerId),
    noShowCount: noShowCountPart(customerId),
    coupons: issuedCouponsPart(customerId),
  };
}

/**
 * Build the card of `customer` for a clerk at `locationId` (`scanEventId` is the scan being made), with her
 * coupons: every module's part in one statement (platform/db/read-parts.ts), then what only some answers
 * need (the stock of her favourites, a nearby store for what this one lacks, product names).
 */
export async function buildCard(
  db: Db,
  customer: CardCustomer,
  locationId: string,
  scanEventId: string,
  suggest?: SuggestAtStore,
): Promise<ClientelingCard & { coupons: IssuedCoupon[] }> {
  const read = await readTogether(db, cardParts(db, customer.id, locationId, scanEventId, suggest));
  return {
    customer: {
      id: customer.id,
      name: customer.name,
      nameKana: customer.nameKana,
      greeting: greeting(customer.name),
      memberNumber: customer.memberNumber,
      memberSince: customer.createdAt.toISOString(),
      tier: customer.tier,
    },
    points: { balance: read.summary.balance },
    lastVisits: read.summary.lastVisits,
    interests: read.interests,
    holds: read.summary.holds,
    notes: read.summary.notes,
    suggestions: read.suggestions.slice(0, CARD_SUGGESTIONS),
    favourites: read.favourites,
    purchases: read.purchases,
    collections: read.collections,
    reviews: read.reviews,
    appointment: { next: read.next, noShowCount: read.noShowCount },
    coupons: read.coupons,
  };
}
