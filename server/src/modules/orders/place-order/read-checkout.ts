import type { Db } from '../../../platform/db/connection.ts';
import { DomainError } from '../../../platform/errors.ts';
import { loadCustomer } from '../../customers/service.ts';
import { getLocation, listLocations } from '../../locations/service.ts';
import { loadCartWithLines, sourceLocation, type CartLine } from '../carts.ts';
import { priceLines } from '../pricing.ts';
import { deliveryOrigin } from '../delivery.ts';
import { planShipments } from '../sourcing.ts';
import type { CheckoutInput } from '../schemas.ts';

/**
 * Step 1 of a checkout, also the first half of a card the shopper confirms in her browser
 * (browser-card.ts): the cart checked against the rules and priced, and where its stock comes from.
 */
export type Read = Awaited<ReturnType<typeof loadCartWithLines>>;

/** The cart checked against the checkout's rules and priced: who buys, what, how it is paid. */
export async function readCheckout(db: Db, { cart, lines }: Read, input: CheckoutInput) {
  if (cart.status !== 'open') throw new DomainError('cart.not_open', { cartId: cart.id, orderId: cart.orderId });
  if (!lines.length) throw new DomainError('cart.empty');
  const choice = cart.fulfilment;
  if (!choice) throw new DomainError('cart.fulfilment_required');
  const customer = cart.customerId ? await loadCustomer(db, cart.customerId, { active: true }) : null;
  // A hold (取り置き) is for a known person: the store sets it aside under her name, she pays at the till.
  const isHold = choice.type === 'hold';
  if (isHold && !customer) throw new DomainError('cart.hold_members_only', { cartId: cart.id });
  if (!customer && !input.guest)
    throw new DomainError('platform.validation', {}, [{ field: 'guest', message: 'required' }]);
  // Delivery: the store must still deliver to the address (radius and services can change), and a window is needed.
  const delivery = choice.type === 'delivery' ? await deliveryOrigin(db, choice.address, [], choice.locationId) : null;
  if (delivery && !choice.slotStart)
    throw new DomainError('cart.fulfilment_invalid', {
      reasonJa: 'お届け時間帯を選んでください。',
      reasonEn: 'Choose a delivery time.',
    });
  const totals = await priceLines(db, lines, {
    fulfilment: choice.type,
    distanceKm: delivery?.distanceKm,
    tier: customer?.tier,
    pointsUsed: input.usePoints,
    earnAt: { channel: cart.channel, locationId: choice.locationId ?? cart.locationId },
    promotions: {
      channel: cart.channel,
      locationId: cart.locationId,
      customerId: customer?.id ?? null,
      coupons: cart.coupons,
      strict: true,
    },
  });
  if (isHold && (input.usePoints ?? 0) > 0)
    throw new DomainError('platform.validation', {}, [{ field: 'usePoints', message: 'not_for_hold' }]);
  if (isHold && input.payment)
    throw new DomainError('platform.validation', {}, [{ field: 'payment', message: 'not_for_hold' }]);
  const usePoints = Math.min(input.usePoints ?? 0, totals.total);
  if (usePoints > 0 && !customer)
    throw new DomainError('platform.validation', {}, [{ field: 'usePoints', message: 'members_only' }]);
  const rest = totals.total - usePoints;
  const payment = input.payment;
  if (rest > 0 && !payment && !isHold)
    throw new DomainError('platform.validation', {}, [{ field: 'payment', message: 'required' }]);
  if (payment?.method === 'pay_at_store' && choice.type !== 'pickup') {
    throw new DomainError('cart.fulfilment_invalid', {
      reasonJa: '店頭払いは店舗受け取りのときだけ選べます。',
      reasonEn: 'Pay at store is only for store pickup.',
    });
  }
  if (payment?.method === 'wallet' && !customer)
    throw new DomainError('platform.validation', {}, [{ field: 'payment.method', message: 'members_only' }]);
  // The chosen store; for shipping the warehouse (the sourcing plan may add or use stores instead).
  // Shipping plans from every location (sourcesOf): the table is read once for both.
  const located = choice.type === 'ship' ? await listLocations(db) : undefined;
  const locationId = (await sourceLocation(db, choice, located)) ?? '';
  return { cart, choice, customer, totals, usePoints, rest, payment, locationId, located };
}

export type Checked = Awaited<ReturnType<typeof readCheckout>>;

/** The 409 cart.unavailable for a line of this checkout, naming the product and the store. */
export function unavailableOf(db: Db, c: Checked) {
  return async (variantId: string, atLocation: string, extra: Record<string, unknown> = {}) => {
    const line = c.totals.lines.find((l) => l.variantId === variantId);
    return new DomainError('cart.unavailable', {
      variantId,
      locationId: atLocation,
      ...extra,
      name: line?.name ?? '',
      locationName: (await getLocation(db, atLocation).catch(() => null))?.name ?? atLocation,
    });
  };
}

/** One source of stock as sourcesOf plans it: where, which variants, the reservation to make there. */
export type SourceGroup = Awaited<ReturnType<typeof sourcesOf>>['groups'][number];

/**
 * Where the stock comes from: the chosen store, or for shipping the sourcing plan (the warehouse, or
 * stores when it lacks something — one fulfilment per parcel). One reservation per source. What is
 * sold out as read with the cart (a flash sale's late buyers) is refused here, before an order is built;
 * the order's statement decides for the rest, under the stock rows' locks. `pickupFrom`: a pickup at the
 * chosen store of stock reserved at another location (取り寄せ, place-for-member.ts): the fulfilment is the
 * store's (its queue, its pickup code), the reservation the source's.
 */
export async function sourcesOf(db: Db, c: Checked, lines: CartLine[], pickupFrom?: string) {
  const { choice, locationId, customer, cart } = c;
  const isHold = choice.type === 'hold';
  const unavailable = unavailableOf(db, c);
  const plan = choice.type === 'ship' ? await planShipments(db, lines, choice.address, c.located) : null;
  const parts = plan
    ? plan.shipments.map((s) => ({ locationId: s.locationId, lines: s.lines }))
    : [{ locationId, lines: [...lines] }];
  if (plan?.short.length)
    throw await unavailable(plan.short[0]!.variantId, locationId, {
      requested: plan.short[0]!.requested,
      available: plan.short[0]!.available,
    });
  // Ordered for pickup from elsewhere (取り寄せ): the shelf here does not matter, the source's stock does.
  const gone =
    parts.length === 1 && !pickupFrom
      ? lines.find((l) => l.stock && !l.stock.lapsed && l.stock.available < l.quantity)
      : undefined;
  if (gone)
    throw await unavailable(gone.variantId, locationId, {
      locationId,
      requested: gone.quantity,
      available: Math.max(gone.stock!.available, 0),
    });
  const groups = parts.map((g) => ({
    locationId: g.locationId,
    variantIds: g.lines.map((l) => l.variantId),
    reserve: {
      lines: g.lines.map((l) => ({
        variantId: l.variantId,
        locationId: pickupFrom ?? g.locationId,
        quantity: l.quantity,
      })),
      // A hold is listed on the clienteling card as one of hers (reference = the customer).
      reason: isHold ? ('hold' as const) : ('order' as const),
      reference: isHold ? customer!.id : cart.id,
    },
  }));
  return { groups, unavailable };
}
