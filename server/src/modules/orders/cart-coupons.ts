/**
 * Putting a coupon code on a cart (web, app, till alike). The cart is orders'; promotions checks the code
 * against the cart's channel, store and member now, so the customer hears at once why it does not work;
 * pricing applies it.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import type { Principal } from '../../platform/auth.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { loadCustomer } from '../customers/service.ts';
import { checkCoupon, normalizeCode } from '../promotions/service.ts';
import { cartView, loadCart, touchCart, type CartView } from './carts.ts';
import { cartCouponBody, cartCouponParams, cartView as cartAnswer } from './schemas.ts';

export const MAX_COUPONS_PER_CART = 5;

/** Enter a coupon code on an open cart: checked now, kept once, at most MAX_COUPONS_PER_CART. */
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
    await touchCart(tx, cart, { coupons: [...cart.coupons, code] });
  });
  return cartView(db, actor, cartId);
}

/** Take a coupon code off an open cart (a code it does not carry is no error). */
export async function removeCoupon(db: Db, actor: Principal, cartId: string, raw: string): Promise<CartView> {
  const code = normalizeCode(raw);
  await inTransaction(db, async (tx) => {
    const cart = await loadCart(tx, actor, cartId, { forUpdate: true });
    if (cart.status !== 'open') throw new DomainError('cart.not_open', { cartId, orderId: cart.orderId });
    await touchCart(tx, cart, { coupons: cart.coupons.filter((c) => c !== code) });
  });
  return cartView(db, actor, cartId);
}

/** POST and DELETE /api/carts/:id/coupons, registered with the other cart routes. */
export const cartCouponRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    const open = { public: true, customer: true } as const;
    app.post(
      '/api/carts/:id/coupons',
      {
        config: open,
        schema: {
          tags: ['carts'],
          summary: 'Enter a coupon code on a cart (checked for this channel, store and member)',
          params: idParam,
          body: cartCouponBody,
          response: { 200: cartAnswer },
        },
      },
      async (req) => addCoupon(db, req.principal, req.params.id, req.body.code),
    );
    app.delete(
      '/api/carts/:id/coupons/:code',
      {
        config: open,
        schema: {
          tags: ['carts'],
          summary: 'Take a coupon code off a cart',
          params: cartCouponParams,
          response: { 200: cartAnswer },
        },
      },
      async (req) => removeCoupon(db, req.principal, req.params.id, req.params.code),
    );
  };
