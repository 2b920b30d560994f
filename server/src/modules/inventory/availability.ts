import { sql } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import { getVariants, getProduct } from '../catalog/service.ts';
import { getLocation, listLocations } from '../locations/service.ts';
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

/** One variant in every active location (zeros included), nearest first when `near` is given. */
export async function availabilityOfVariant(
  db: Db,
  variantId: string,
  near?: { lat: number; lng: number },
): Promise<LocationAvailability[]> {
  await getVariants(db, [variantId]);
  const [locs, levels] = await Promise.all([
    listLocations(db, { near }),
    readFresh(db, sql`variant_id = ${variantId}`),
  ]);
  const byLoc = new Map(levels.map((l) => [l.locationId, l]));
  return locs.map((loc) => ({
    ...(byLoc.get(loc.id) ?? { variantId, locationId: loc.id, onHand: 0, reserved: 0, inTransit: 0, available: 0 }),
    locationName: loc.name,
    kind: loc.kind,
    distanceKm: loc.distanceKm,
  }));
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
) {
  const product = await getProduct(db, productId);
  const ids = product.variants.map((v) => v.id);
  const [locs, levels] = await Promise.all([
    listLocations(db, { near, limit: near ? limit : undefined }),
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
