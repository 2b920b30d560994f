import type { Db } from '../../../platform/db/connection.ts';
import { Refused } from '../../../platform/db/together.ts';
import { DomainError } from '../../../platform/errors.ts';
import { shortageOf } from '../../inventory/service.ts';

/**
 * Why the order's statement refused to write (its check, under the rows' locks), as a typed union: the
 * cart was taken meanwhile, the card's stock hold lapsed, or a source's stock was short (inventory's
 * shortage report, which names the lines).
 */
export type PlacementRefusal =
  { kind: 'cart_taken' } | { kind: 'hold_lapsed' } | { kind: 'stock_short'; shortage: string };

/** The check's words (write-order.ts writes them) — kept here so the two stay one vocabulary. */
export const REFUSED = { cart: 'cart', hold: 'hold', stock: 'stock:' } as const;

export function refusalOf(err: Refused): PlacementRefusal {
  if (err.reason === REFUSED.cart) return { kind: 'cart_taken' };
  if (err.reason === REFUSED.hold) return { kind: 'hold_lapsed' };
  return { kind: 'stock_short', shortage: err.reason.slice(REFUSED.stock.length) };
}

/**
 * The refusal as the problem the caller answers with, or null when trying once more may succeed (the
 * shortage came from a reservation that had lapsed and was just given back, or stock came in meanwhile).
 */
export async function problemOf(
  db: Db,
  refusal: PlacementRefusal,
  ctx: { cartId: string; heldId: string | undefined },
): Promise<DomainError | null> {
  switch (refusal.kind) {
    case 'cart_taken':
      return new DomainError('cart.not_open', { cartId: ctx.cartId });
    case 'hold_lapsed':
      return new DomainError('inventory.reservation_not_active', {
        reservationId: ctx.heldId,
        currentStatus: 'expired',
      });
    case 'stock_short':
      return shortageOf(db, refusal.shortage);
  }
}
