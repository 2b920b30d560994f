import { sql } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { assertCanActAt, type StaffPrincipal } from '../../platform/auth.ts';
import { getVariants } from '../catalog/service.ts';
import { getLocation } from '../locations/service.ts';
import { defaultAddressOf, loadCustomer } from '../customers/service.ts';
import type { CheckoutDeps } from './deps.ts';
import { addLine, setFulfilment } from './carts.ts';
import { checkout } from './place-order/checkout.ts';
import { planShipments } from './sourcing.ts';
import { carts } from './schema.ts';
import type { OrderView } from './views.ts';

/** An item ordered at the store for a member who is there (取り寄せ) and what it comes from. */
export interface MemberOrder {
  order: OrderView;
  /** Where the stock is reserved: the warehouse or another store (this store when it had it after all). */
  source: { locationId: string; name: string; kind: 'store' | 'warehouse' };
}

/** Where a 取り寄せ goes: picked up at this store (paid then), or sent to her home (her default address). */
export type AisleDestination = 'store' | 'home';

/**
 * 取り寄せ (endless aisle): a clerk at `locationId` orders an item this store lacks for the member in front of
 * her — for pickup at this store, paid at the counter when she collects it (pay_at_store); or, with
 * `deliverTo: 'home'`, shipped to her default saved address and paid now from her wallet (she is here,
 * scanned: no card to take), captured and her points earned when it ships, as any shipped order. Where the stock
 * comes from follows the shipping rules (sourcing.ts: the warehouse first, then the nearest store that
 * ships); it is reserved there by the one checkout every order goes through, and the order is hers (her
 * member id: her order history, points on payment), sold by this store (channel `store`). Whether the clerk
 * may act for her (she was scanned here) is the caller's check — clienteling's.
 */
export async function placeForMember(
  db: Db,
  deps: CheckoutDeps,
  staff: StaffPrincipal,
  input: {
    customerId: string;
    locationId: string;
    variantId: string;
    quantity: number;
    deliverTo?: AisleDestination | undefined;
  },
): Promise<MemberOrder> {
  assertCanActAt(staff, input.locationId);
  const home = input.deliverTo === 'home';
  const [, variants, , saved] = await Promise.all([
    loadCustomer(db, input.customerId, { active: true }),
    getVariants(db, [input.variantId]),
    getLocation(db, input.locationId),
    home ? defaultAddressOf(db, input.customerId) : null,
  ]);
  if (home && !saved) throw new DomainError('order.no_home_address', { customerId: input.customerId });
  const address = saved && {
    postalCode: saved.postalCode,
    prefecture: saved.prefecture,
    city: saved.city,
    line1: saved.line1,
    ...(saved.line2 ? { line2: saved.line2 } : {}),
    name: saved.name,
    phone: saved.phone,
  };
  const line = { variantId: input.variantId, quantity: input.quantity };
  const plan = await planShipments(db, [line], address);
  const from = plan.shipments[0];
  if (!from) {
    const short = plan.short[0]!;
    throw new DomainError('cart.unavailable', {
      variantId: input.variantId,
      locationId: input.locationId,
      requested: short.requested,
      available: short.available,
      name: variants.get(input.variantId)?.productName ?? '',
      locationName: '倉庫・各店舗',
    });
  }
  // A store cart (sold here, staff may work it) that is hers: the order carries her member id.
  const cartId = newId('crt');
  await db
    .insert(carts)
    .values({ id: cartId, channel: 'store', customerId: input.customerId, locationId: input.locationId });
  try {
    await addLine(db, staff, cartId, input.variantId, input.quantity);
    if (address) {
      await setFulfilment(db, staff, cartId, { type: 'ship', address });
      const { order } = await checkout(db, deps, staff, cartId, { payment: { method: 'wallet' } });
      return { order, source: { locationId: from.locationId, name: from.name, kind: from.kind } };
    }
    await setFulfilment(db, staff, cartId, { type: 'pickup', locationId: input.locationId });
    const pickupFrom = from.locationId === input.locationId ? undefined : from.locationId;
    const { order } = await checkout(db, deps, staff, cartId, { payment: { method: 'pay_at_store' } }, { pickupFrom });
    return { order, source: { locationId: from.locationId, name: from.name, kind: from.kind } };
  } catch (err) {
    await discardCart(db, cartId);
    throw err;
  }
}

/**
 * A refused 取り寄せ leaves no cart behind: an open cart with her member id would be the one her shop opens
 * next (myCart takes her newest open cart), showing the clerk's attempt in place of her own cart. Only while
 * still open: a cart that became an order stays.
 */
async function discardCart(db: Db, cartId: string): Promise<void> {
  await query(
    db,
    sql`WITH gone AS (DELETE FROM carts WHERE id = ${cartId} AND status = 'open' RETURNING id)
        DELETE FROM cart_lines WHERE cart_id IN (SELECT id FROM gone)`,
  );
}
