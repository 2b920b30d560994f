import { sql } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import { prebuilt } from '../../platform/db/prepared.ts';
import { DomainError } from '../../platform/errors.ts';
import { getVariants, getProduct } from '../catalog/service.ts';
import { distanceKm, getLocation, listLocations } from '../locations/service.ts';
import { levelColumns, toLevel, type Level, type Pair } from './levels.ts';
import { sweepPairs } from './expiry.ts';

type DueLevel = Level & { due: boolean };

/**
 * Read levels and, when any row has a reservation past its expiry, sweep those rows and read again:
 * an expired hold never shows as reserved.
 */
async function readFresh(db: Db, where: ReturnType<typeof sql>): Promise<Level[]> {
  const read = () =>
    query<DueLevel>(
      db,
      sql`SELECT ${levelColumns}, (next_expiry IS NOT NULL AND next_expiry <= now()) AS due FROM stock_levels WHERE ${where}`,
    );
  let rows = await read();
  const due: Pair[] = rows.filter((r) => r.due).map(({ variantId, locationId }) => ({ variantId, locationId }));
  if (due.length) {
    await sweepPairs(db, due);
    rows = await read();
  }
  return rows.map(toLevel);
}

export interface LocationAvailability extends Level {
  locationName: string;
  kind: 'store' | 'warehouse';
  distanceKm: number | null;
}

/**
 * The variant (no row: unknown), every active location in code order (none: a row of nulls), and the
 * variant's level there: what `getVariants` + `listLocations` + `readFresh` read in three statements,
 * in one round trip, built once.
 */
const variantEverywhere = prebuilt<{
  locationId: string | null;
  locationName: string;
  kind: 'store' | 'warehouse';
  lat: number;
  lng: number;
  onHand: number | null;
  reserved: number | null;
  inTransit: number | null;
  available: number | null;
  due: boolean | null;
}>(
  sql`SELECT l.id AS "locationId", l.name AS "locationName", l.kind, l.lat, l.lng,
             s.on_hand AS "onHand", s.reserved, s.in_transit AS "inTransit",
             GREATEST(s.on_hand - s.reserved, 0) AS available,
             (s.next_expiry IS NOT NULL AND s.next_expiry <= now()) AS due
        FROM variants v
        LEFT JOIN locations l ON l.active
        LEFT JOIN stock_levels s ON s.variant_id = v.id AND s.location_id = l.id
       WHERE v.id = ${sql.placeholder('variantId')}
       ORDER BY l.code`,
);

/** One variant in every active location (zeros included), nearest first when `near` is given. */
export async function availabilityOfVariant(
  db: Db,
  variantId: string,
  near?: { lat: number; lng: number },
): Promise<LocationAvailability[]> {
  let rows = await variantEverywhere(db, { variantId });
  if (!rows.length) throw new DomainError('catalog.variant_not_found', { variantId });
  // An expired hold never shows as reserved: sweep its rows, then read again.
  const due = rows.filter((r) => r.due).map((r) => ({ variantId, locationId: r.locationId! }));
  if (due.length) {
    await sweepPairs(db, due);
    rows = await variantEverywhere(db, { variantId });
  }
  const items: LocationAvailability[] = [];
  for (const r of rows) {
    if (r.locationId === null) continue; // no active location
    items.push({
      variantId,
      locationId: r.locationId,
      onHand: Number(r.onHand ?? 0),
      reserved: Number(r.reserved ?? 0),
      inTransit: Number(r.inTransit ?? 0),
      available: Number(r.available ?? 0),
      locationName: r.locationName,
      kind: r.kind,
      distanceKm: near ? distanceKm(near, r) : null,
    });
  }
  // Stable: equal distances keep the code order, as listLocations sorts.
  if (near) items.sort((a, b) => a.distanceKm! - b.distanceKm!);
  return items;
}

/** Every variant stocked at one location (no checks: the caller knows the location). */
export async function availabilityAt(db: Db, locationId: string): Promise<Level[]> {
  return readFresh(db, sql`location_id = ${locationId}`);
}

/** Many variants at one location: a store's shelf, or a cart. */
export async function availabilityAtLocation(db: Db, locationId: string, variantIds: string[]): Promise<Level[]> {
  await getLocation(db, locationId);
  await getVariants(db, variantIds);
  const levels = await readFresh(
    db,
    sql`location_id = ${locationId} AND variant_id IN (${sql.join(
      variantIds.map((v) => sql`${v}`),
      sql`, `,
    )})`,
  );
  const byVar = new Map(levels.map((l) => [l.variantId, l]));
  return variantIds.map(
    (v) => byVar.get(v) ?? { variantId: v, locationId, onHand: 0, reserved: 0, inTransit: 0, available: 0 },
  );
}

/** Several variants at every location that holds any (sourcing a shipment); unknown pairs are simply absent. */
export async function availabilityOfVariants(db: Db, variantIds: string[]): Promise<Level[]> {
  if (!variantIds.length) return [];
  return readFresh(
    db,
    sql`variant_id IN (${sql.join(
      variantIds.map((v) => sql`${v}`),
      sql`, `,
    )})`,
  );
}

/**
 * Every variant of a product at every location: the product page's stock table. With `near` and `limit`,
 * only the nearest `limit` locations: a chain of 500 stores answers with the stores around her, so the
 * answer (and its cost) does not grow with the chain.
 */
export async function availabilityOfProduct(
  db: Db,
  productId: string,
  near?: { lat: number; lng: number },
  limit?: number,
  /** With near and limit: locations listed wherever they are (the member's マイストア beyond the nearest). */
  also?: string[],
) {
  const product = await getProduct(db, productId);
  const ids = product.variants.map((v) => v.id);
  const [locs, levels] = await Promise.all([
    listLocations(db, { near, limit: near ? limit : undefined, also }),
    ids.length
      ? readFresh(
          db,
          sql`variant_id IN (${sql.join(
            ids.map((v) => sql`${v}`),
            sql`, `,
          )})`,
        )
      : Promise.resolve([]),
  ]);
  const byKey = new Map(levels.map((l) => [`${l.variantId}|${l.locationId}`, l]));
  return {
    productId,
    locations: locs.map((l) => ({
      id: l.id,
      name: l.name,
      kind: l.kind,
      distanceKm: l.distanceKm,
      lat: l.lat,
      lng: l.lng,
      services: l.services,
    })),
    items: ids.flatMap((variantId) =>
      locs.map(
        (loc) =>
          byKey.get(`${variantId}|${loc.id}`) ?? {
            variantId,
            locationId: loc.id,
            onHand: 0,
            reserved: 0,
            inTransit: 0,
            available: 0,
          },
      ),
    ),
  };
}

/** Current levels of a location, optionally only rows with stock, for the store screen. */
export async function levelsAtLocation(db: Db, locationId: string, variantIds?: string[]) {
  if (variantIds?.length) return availabilityAtLocation(db, locationId, variantIds);
  await getLocation(db, locationId);
  return readFresh(db, sql`location_id = ${locationId}`);
}
