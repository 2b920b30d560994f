import type { Executor } from '../../platform/db/connection.ts';
import { emit } from '../../platform/subscribers.ts';
import type { Level } from './levels.ts';

/** The outbox event when a location that had none of a variant available has some again (再入荷). */
export const BACK_IN_STOCK = 'stock.back_in_stock';

/** The payload of `stock.back_in_stock`: the variant, the location and the units available after the change. */
export interface BackInStock {
  variantId: string;
  locationId: string;
  available: number;
  /** The movement that did it: receipt, return, adjustment, count, transfer_in. */
  kind: string;
  at: string;
}

/**
 * Upward news for the modules above (engagement's 再入荷 trigger): written in the changing transaction,
 * so it exists exactly when the change committed, and only when `available` went from 0 to more than 0
 * (`added` units of on-hand arrived; the row is locked by the update that returned `level`). Keyed by the
 * variant, so a burst for one variant is handed over one event at a time.
 */
export async function announceBackInStock(tx: Executor, level: Level, added: number, kind: string): Promise<void> {
  if (added <= 0 || level.available <= 0) return;
  const before = Math.max(level.onHand - added - level.reserved, 0);
  if (before > 0) return;
  const payload: BackInStock = {
    variantId: level.variantId,
    locationId: level.locationId,
    available: Number(level.available),
    kind,
    at: new Date().toISOString(),
  };
  await emit(tx, BACK_IN_STOCK, level.variantId, { ...payload });
}
