import type { Db } from '../../platform/db/connection.ts';
import type { Principal } from '../../platform/auth.ts';
import { availabilityAtLocation } from '../inventory/service.ts';
import { memberOpenCart } from '../orders/service.ts';
import { assertActingFor, type ActingFor } from './acting-for.ts';

/** One line of her cart as the clerk sees it: the variant, how many, the price and the stock here. */
export interface LiveCartLine {
  variantId: string;
  productId: string;
  productName: string;
  options: Record<string, string>;
  jan: string;
  quantity: number;
  /** Tax-included unit price (the catalog's; promotions are applied at checkout). */
  price: number;
  /** Units free at this store now (on hand − reserved). */
  availableHere: number;
}

/** Her open online cart right now (web or app), or `cartId: null` with no lines when she has none. */
export interface LiveCart {
  cartId: string | null;
  channel: string | null;
  updatedAt: string | null;
  lines: LiveCartLine[];
  /** Sum of price × quantity (tax included). */
  subtotal: number;
  /** When this was read: the screen says how fresh it is. */
  readAt: string;
}

/**
 * The card's カートの中身: what the scanned member has in her open cart on the web or in the app, read fresh
 * each time (her phone may be changing it while she stands at the counter), with the stock at this store
 * of each line. Only for the clerk who scanned her here (assertActingFor).
 */
export async function liveCart(db: Db, actor: Principal, input: ActingFor): Promise<LiveCart> {
  await assertActingFor(db, actor, input);
  const cart = await memberOpenCart(db, input.customerId);
  const readAt = new Date().toISOString();
  if (!cart || !cart.lines.length)
    return {
      cartId: cart?.cartId ?? null,
      channel: cart?.channel ?? null,
      updatedAt: cart?.updatedAt ?? null,
      lines: [],
      subtotal: 0,
      readAt,
    };
  const levels = await availabilityAtLocation(
    db,
    input.locationId,
    cart.lines.map((l) => l.variantId),
  );
  const here = new Map(levels.map((l) => [l.variantId, l.available]));
  const lines = cart.lines.map((l) => ({
    variantId: l.variantId,
    productId: l.variant.productId,
    productName: l.variant.productName,
    options: l.variant.options,
    jan: l.variant.jan,
    quantity: l.quantity,
    price: l.variant.price,
    availableHere: Math.max(here.get(l.variantId) ?? 0, 0),
  }));
  return {
    cartId: cart.cartId,
    channel: cart.channel,
    updatedAt: cart.updatedAt,
    lines,
    subtotal: lines.reduce((sum, l) => sum + l.price * l.quantity, 0),
    readAt,
  };
}
