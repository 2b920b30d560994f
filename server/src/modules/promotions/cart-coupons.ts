/**
 * Putting a coupon code on a cart (web, app, till alike). The code is checked against the cart's
 * channel, store and member now, so the customer hears at once why it does not work; pricing applies it.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import type { Principal } from '../../platform/auth.ts';
import { loadCustomer } from '../customers/service.ts';
// The cart belongs to orders; it has no service.ts, so its cart functions are the public face used here.
import { cartView, loadCart, type CartView } from '../orders/carts.ts';
import { carts } from '../orders/schema.ts';
import { checkCoupon, normalizeCode } from './service.ts';

export const MAX_COUPONS_PER_CART = 5;

export async function addCoupon(db: Db, actor: Principal, cartId: string, raw: string): Promise<CartView> {
  await inTransaction(db, async (tx) => {
    const cart = await loadCart(tx, actor, cartId, { forUpdate: true });
    if (cart.status !== 'open') throw new DomainError('cart.not_open', { cartId, orderId: cart.orderId });
    const offer = await checkCoupon(tx, raw, {
      channel: cart.channel,
      locationId: cart.locationId,
      customerId: cart.customerId,
      tier: cart.customerId ? (await loadCustomer(tx, cart.customerId)).tier : null,
    });
    const code = offer.code!;
    if (cart.coupons.includes(code)) return; // entering it twice is not an error
    if (cart.coupons.length >= MAX_COUPONS_PER_CART)
      throw new DomainError('coupon.too_many', { max: MAX_COUPONS_PER_CART });
    await tx
      .update(carts)
      .set({ coupons: [...cart.coupons, code], updatedAt: sql`now()` })
      .where(eq(carts.id, cartId));
  });
  return cartView(db, actor, cartId);
}

export async function removeCoupon(db: Db, actor: Principal, cartId: string, raw: string): Promise<CartView> {
  const code = normalizeCode(raw);
  await inTransaction(db, async (tx) => {
    const cart = await loadCart(tx, actor, cartId, { forUpdate: true });
    if (cart.status !== 'open') throw new DomainError('cart.not_open', { cartId, orderId: cart.orderId });
    await tx
      .update(carts)
      .set({ coupons: cart.coupons.filter((c) => c !== code), updatedAt: sql`now()` })
      .where(eq(carts.id, cartId));
  });
  return cartView(db, actor, cartId);
}
