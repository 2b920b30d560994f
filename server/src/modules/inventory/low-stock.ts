import { sql } from 'drizzle-orm';
import { assertCanActAt, requireRole, type Principal } from '../../platform/auth.ts';
import type { Db } from '../../platform/db/connection.ts';
import { emitIfWanted } from '../../platform/event-demand.ts';
import type { DomainEvent, Subscriber } from '../../platform/subscribers.ts';
import { getVariants } from '../catalog/service.ts';
import { assertLocationsExist } from '../locations/service.ts';

/** The coalesced event a trigger on `stock_levels` writes for every change (migration 0065), while an integration listens: one a second per variant × location. */
export const LEVEL_CHANGED = 'inventory.level_changed';
/** Available stock fell below the reorder point (発注点). */
export const LOW_STOCK = 'inventory.low';

export interface LevelChanged {
  variantId: string;
  locationId: string;
  onHand: number;
  reserved: number;
  available: number;
  inTransit: number;
  /** The row's own 発注点, or null (the configured default applies). */
  reorderPoint: number | null;
  /** What was available when the event's second began. */
  availableBefore: number;
  at: string;
}

/**
 * Subscriber to `inventory.level_changed`: when the second's changes took `available` from at or above the
 * reorder point to below it, `inventory.low` follows (keyed by the variant, its dedupe key from the level
 * event's id, so a redelivery adds nothing). A dip and a recovery within one second say nothing: the stock
 * is not low when the news goes out.
 */
export function announceLowStock(db: Db, opts: { defaultReorderPoint: number }): Subscriber {
  return async (event: DomainEvent) => {
    const level = event.payload as unknown as LevelChanged;
    const point = level.reorderPoint ?? opts.defaultReorderPoint;
    if (!(level.availableBefore >= point && level.available < point)) return;
    const payload = {
      variantId: level.variantId,
      locationId: level.locationId,
      available: level.available,
      onHand: level.onHand,
      reserved: level.reserved,
      reorderPoint: point,
      at: level.at,
    };
    await emitIfWanted(db, LOW_STOCK, level.variantId, payload, `event:${event.id}:low`);
  };
}

/** Set (or clear, with null: the default applies) the 発注点 of a variant at a location: its manager or head office. */
export async function setReorderPoint(
  db: Db,
  actor: Principal,
  variantId: string,
  locationId: string,
  reorderPoint: number | null,
): Promise<{ variantId: string; locationId: string; reorderPoint: number | null }> {
  requireRole(actor, 'owner', 'hq', 'store_manager');
  assertCanActAt(actor, locationId);
  // Unknown ids are the caller's 404 (which one), not the database's refused reference.
  await assertLocationsExist(db, [locationId]);
  await getVariants(db, [variantId]);
  await db.execute(
    sql`INSERT INTO stock_levels (variant_id, location_id, reorder_point) VALUES (${variantId}, ${locationId}, ${reorderPoint})
         ON CONFLICT (variant_id, location_id) DO UPDATE SET reorder_point = EXCLUDED.reorder_point`,
  );
  return { variantId, locationId, reorderPoint };
}
