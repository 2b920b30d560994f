import type { Db } from '../../platform/db/connection.ts';
import { availabilityOfVariants } from '../inventory/service.ts';
import { distanceKm, listLocations, type LocationWithDistance } from '../locations/service.ts';
import { approximatePosition } from './prefectures.ts';
import type { Address } from './schema.ts';

export interface Shipment {
  locationId: string;
  name: string;
  kind: 'store' | 'warehouse';
  /** From the address's pin, or its prefecture's capital; null when neither is known. */
  distanceKm: number | null;
  lines: Array<{ variantId: string; quantity: number }>;
}

export interface ShipmentPlan {
  shipments: Shipment[];
  /** Lines no location that ships can send in full now. */
  short: Array<{ variantId: string; requested: number; available: number }>;
}

/**
 * Where a shipped order leaves from. Candidates: the warehouse and every store that ships
 * (services.shipping). Fewest shipments first — each round takes the location that can send the most
 * of what is left (greedy set cover; exact for the carts people build) — then, among equals, the
 * e-commerce warehouse (its stock is there for this), then the nearest to the address. A line is never
 * split between locations; one no location can send in full is reported short.
 */
export async function planShipments(
  db: Db,
  lines: ReadonlyArray<{ variantId: string; quantity: number }>,
  address: Address | null | undefined,
  /** The active locations, when this request has read them already (listLocations(db)). */
  located?: LocationWithDistance[],
): Promise<ShipmentPlan> {
  const to = address ? approximatePosition(address) : null;
  const candidates = (located ?? (await listLocations(db)))
    .filter((l) => l.services.shipping)
    .map((l) => ({ ...l, distanceKm: to ? distanceKm(to, l) : null }));
  const levels = await availabilityOfVariants(
    db,
    lines.map((l) => l.variantId),
  );
  const available = new Map(levels.map((l) => [`${l.variantId}|${l.locationId}`, l.available]));
  const can = (locationId: string, line: { variantId: string; quantity: number }) =>
    (available.get(`${line.variantId}|${locationId}`) ?? 0) >= line.quantity;

  const short = lines
    .filter((line) => !candidates.some((c) => can(c.id, line)))
    .map((line) => ({
      variantId: line.variantId,
      requested: line.quantity,
      available: Math.max(0, ...candidates.map((c) => available.get(`${line.variantId}|${c.id}`) ?? 0)),
    }));
  let left = lines.filter((line) => !short.some((s) => s.variantId === line.variantId));
  const shipments: Shipment[] = [];
  while (left.length) {
    const ranked = candidates
      .map((c) => ({ c, covers: left.filter((line) => can(c.id, line)) }))
      .filter((x) => x.covers.length > 0)
      .sort(
        (a, b) =>
          b.covers.length - a.covers.length ||
          rank(a.c.kind) - rank(b.c.kind) ||
          (a.c.distanceKm ?? 0) - (b.c.distanceKm ?? 0) ||
          a.c.code.localeCompare(b.c.code),
      );
    const best = ranked[0]!;
    shipments.push({
      locationId: best.c.id,
      name: best.c.name,
      kind: best.c.kind,
      distanceKm: best.c.distanceKm,
      lines: best.covers.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
    });
    left = left.filter((line) => !best.covers.includes(line));
  }
  return { shipments, short };
}

const rank = (kind: 'store' | 'warehouse') => (kind === 'warehouse' ? 0 : 1);
