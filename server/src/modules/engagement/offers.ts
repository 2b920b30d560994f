import type { Executor } from '../../platform/db/connection.ts';
import type { Principal } from '../../platform/auth.ts';
import { issuableCoupons, type IssuableCoupon } from '../promotions/service.ts';
import { requireMarketer } from './scope.ts';

/**
 * The coupons the campaign form offers (特典クーポン): every issuable single-use coupon for head office; for
 * a store manager, only those whose promotion is valid at her stores' tills alone — a store's campaign gives
 * the store's own discount (`assertOffer` refuses any other when she saves or sends).
 */
export async function listOfferChoices(db: Executor, actor: Principal): Promise<IssuableCoupon[]> {
  const m = requireMarketer(actor);
  return issuableCoupons(db, m.stores ? { atStores: m.stores } : {});
}
