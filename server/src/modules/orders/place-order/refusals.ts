import type { Db } from '../../../platform/db/connection.ts';
import type { Refused } from '../../../platform/db/together.ts';
import { DomainError } from '../../../platform/errors.ts';
import { stockRefusalOf, stockRefusalProblem, type StockRefusal } from '../../inventory/service.ts';

/**
 * Why the order's statement refused to write (its check, under the rows' locks), as a typed union: the
 * cart was taken meanwhile, or the stock side refused (inventory's StockRefusal: a card's hold lapsed, or
 * a line was short).
 */
export type PlacementRefusal = { kind: 'cart_taken' } | { kind: 'attempt_taken' } | StockRefusal;

/** The check's word for a cart taken meanwhile (write-order.ts); the stock's words are inventory's. */
export const REFUSED_CART = 'cart';
/** The card attempt was no longer its owner's: the sweep took it over (its lease lapsed) and undid it. */
export const REFUSED_ATTEMPT = 'attempt';

export function refusalOf(err: Refused, heldIds: string[]): PlacementRefusal {
  if (err.reason === REFUSED_CART) return { kind: 'cart_taken' };
  if (err.reason === REFUSED_ATTEMPT) return { kind: 'attempt_taken' };
  const stock = stockRefusalOf(err.reason, heldIds);
  if (!stock) throw err; // a reason nobody here wrote: not ours to explain
  return stock;
}

/**
 * The refusal as the problem the caller answers with, or null when trying once more may succeed (the
 * shortage came from a reservation that had lapsed and was just given back, or stock came in meanwhile).
 */
export async function problemOf(db: Db, refusal: PlacementRefusal, cartId: string): Promise<DomainError | null> {
  if (refusal.kind === 'cart_taken') return new DomainError('cart.not_open', { cartId });
  if (refusal.kind === 'attempt_taken') return new DomainError('cart.checkout_interrupted', { cartId });
  return stockRefusalProblem(db, refusal);
}
