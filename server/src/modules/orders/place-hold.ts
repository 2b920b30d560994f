import type { Db } from '../../platform/db/connection.ts';
import type { CheckoutDeps } from './deps.ts';
import { addLine, createCart, setFulfilment } from './carts.ts';
import { checkout } from './place-order/checkout.ts';
import type { OrderView } from './views.ts';

/**
 * A hold (取り置き) asked for outside the shop's pages — from the LINE chat: her own cart on that channel, one
 * line, the hold at that store, then the one checkout every order goes through (stock reserved until the
 * store's closing time, the order in the store's queue). The same rules and refusals as a hold from the shop.
 */
export async function placeHold(
  db: Db,
  deps: CheckoutDeps,
  input: { customerId: string; variantId: string; locationId: string; quantity?: number; channel?: 'line' | 'web' },
): Promise<OrderView> {
  const actor = { kind: 'customer' as const, customerId: input.customerId, deviceId: null };
  const cart = await createCart(db, actor, { channel: input.channel ?? 'line' });
  await addLine(db, actor, cart.id, input.variantId, input.quantity ?? 1);
  await setFulfilment(db, actor, cart.id, { type: 'hold', locationId: input.locationId });
  return (await checkout(db, deps, actor, cart.id, {})).order;
}
