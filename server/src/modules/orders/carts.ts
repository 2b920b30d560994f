import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { notifySql, publish } from '../../platform/events/hub.ts';
import { perExecutor, prebuilt } from '../../platform/db/prepared.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { assertCanActAt, type Principal } from '../../platform/auth.ts';
import { getVariants, siblingVariants, variantInfoJson, type VariantInfo } from '../catalog/service.ts';
import { getLocation, listLocations, type LocationWithDistance } from '../locations/service.ts';
import { availabilityAtLocation } from '../inventory/service.ts';
import { loadCustomer } from '../customers/service.ts';
import { cartLines, carts, type FulfilmentChoice, type OrderChannel } from './schema.ts';
import { priceLines, type Totals } from './pricing.ts';
import { checkSlot } from './slots.ts';
import { deliveryOrigin } from './delivery.ts';
import { planShipments, type Shipment } from './sourcing.ts';
import './problems.ts';

export type Cart = typeof carts.$inferSelect;

export interface LineIssue {
  variantId: string;
  requested: number;
  available: number;
  /** The same item at other stores nearby, and other sizes/colours at the chosen location. */
  alternatives: {
    locations: Array<{ locationId: string; name: string; available: number }>;
    variants: Array<{ variantId: string; options: Record<string, string>; available: number }>;
  };
}

export interface CartView extends Totals {
  id: string;
  channel: OrderChannel;
  status: Cart['status'];
  customerId: string | null;
  locationId: string | null;
  fulfilment: FulfilmentChoice | null;
  orderId: string | null;
  /** Lines the chosen location cannot supply now (empty when all is well or nothing is chosen). */
  issues: LineIssue[];
  /** Shipping: where the parcels would leave from now (two or more when no one place has it all). */
  shipments: Shipment[] | null;
}

/**
 * Who may see and change a cart: its member, anyone holding an anonymous cart's id, staff at a till cart's
 * store. A member's own cart is hers alone: staff could otherwise fill it, point its pickup elsewhere or
 * check it out with her points and wallet, with no presence of hers.
 */
export function assertCartAccess(actor: Principal, cart: Cart): void {
  if (cart.channel === 'store' && cart.locationId) {
    if (actor.kind === 'staff') {
      assertCanActAt(actor, cart.locationId);
      return;
    }
  }
  if (!cart.customerId) return; // the id itself is the capability (80 random bits)
  if (actor.kind === 'customer' && actor.customerId === cart.customerId) return;
  throw new DomainError('cart.not_found', { cartId: cart.id }); // not "forbidden": do not confirm it exists
}

/**
 * Mark the cart changed (with `set`) and, for a member's cart, announce it on the live stream once the
 * transaction commits (`event: cart`): the clerk's clienteling card and her other devices read it again.
 */
export async function touchCart(
  tx: Executor,
  cart: { id: string; customerId: string | null },
  set: Partial<Pick<typeof carts.$inferInsert, 'fulfilment' | 'coupons'>> = {},
): Promise<void> {
  await tx
    .update(carts)
    .set({ ...set, updatedAt: sql`now()` })
    .where(eq(carts.id, cart.id));
  if (cart.customerId) await publish(tx, 'cart', { customerId: cart.customerId, cartId: cart.id });
}

export async function loadCart(
  db: Executor,
  actor: Principal,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<Cart> {
  const q = db.select().from(carts).where(eq(carts.id, id));
  const [cart] = opts.forUpdate ? await q.for('update') : await q;
  if (!cart) throw new DomainError('cart.not_found', { cartId: id });
  assertCartAccess(actor, cart);
  return cart;
}

function assertOpen(cart: Cart): void {
  if (cart.status !== 'open') throw new DomainError('cart.not_open', { cartId: cart.id, orderId: cart.orderId });
}

export async function createCart(
  db: Db,
  actor: Principal,
  input: { channel?: OrderChannel | undefined; deviceId?: string | undefined; locationId?: string | undefined },
): Promise<CartView> {
  const channel = input.channel ?? (actor.kind === 'staff' ? 'store' : 'web');
  if (channel === 'store') {
    if (!input.locationId)
      throw new DomainError('platform.validation', {}, [{ field: 'locationId', message: 'required' }]);
    assertCanActAt(actor, input.locationId);
  }
  const id = newId('crt');
  const [cart] = await db
    .insert(carts)
    .values({
      id,
      channel,
      customerId: actor.kind === 'customer' ? actor.customerId : null,
      deviceId: input.deviceId ?? (actor.kind === 'customer' ? actor.deviceId : null),
      locationId: input.locationId ?? null,
    })
    .returning();
  // A new cart is empty: its view is built from the row just written, not read back.
  return viewOf(db, cart!, []);
}

/**
 * Who may take a cart's fast path below, as SQL parameters: staff at a till cart are judged by
 * assertCartAccess (their stores) on the full path; everyone else may change a cart with no member, or
 * her own. The same rule as assertCartAccess, which the full path applies.
 */
function fastAccess(actor: Principal): { staff: boolean; customerId: string | null } {
  return { staff: actor.kind === 'staff', customerId: actor.kind === 'customer' ? actor.customerId : null };
}

/**
 * A line added in one statement: the cart locked and checked (open, the caller's), the variant checked,
 * the line upserted, the cart touched and, for a member's cart, announced (as touchCart does). Anything it
 * does not do (a till cart of staff, an unknown variant, a closed or someone else's cart) is left to the
 * full path, which says why.
 */
const p = (name: string) => sql.placeholder(name);

/** The cart a fast path may change: open, and the caller's (fastAccess's parameters `staff`, `customerId`). */
const fastCartOk = sql`status = 'open'
     AND NOT (channel = 'store' AND location_id IS NOT NULL AND ${p('staff')}::boolean)
     AND (customer_id IS NULL OR customer_id = ${p('customerId')}::text)`;

/** The touched cart (`t`) announced as touchCart does, when it is a member's; then how many were changed. */
const announceTouched = sql`n AS (
  SELECT ${notifySql('cart', sql`json_build_object('customerId', customer_id, 'cartId', id)`)} FROM t WHERE customer_id IS NOT NULL)
SELECT (SELECT count(*) FROM t)::int AS done, (SELECT count(*) FROM n)::int AS notified`;

const addLineFast = prebuilt<{ done: number }>(sql`
WITH c AS (SELECT id FROM carts WHERE id = ${p('cartId')} AND ${fastCartOk} FOR UPDATE),
ins AS (
  INSERT INTO cart_lines (cart_id, variant_id, quantity)
  SELECT c.id, ${p('variantId')}::text, ${p('quantity')}::int FROM c WHERE EXISTS (SELECT 1 FROM variants WHERE id = ${p('variantId')}::text)
  ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = LEAST(cart_lines.quantity + EXCLUDED.quantity, 99)
  RETURNING cart_id),
t AS (UPDATE carts SET updated_at = now() WHERE id IN (SELECT cart_id FROM ins) RETURNING id, customer_id),
${announceTouched}`);

/** The fulfilment chosen in one statement, on the same terms as addLineFast. */
const setFulfilmentFast = prebuilt<{ done: number }>(sql`
WITH t AS (
  UPDATE carts SET fulfilment = ${p('fulfilment')}::jsonb, updated_at = now()
   WHERE id = ${p('cartId')} AND ${fastCartOk}
  RETURNING id, customer_id),
${announceTouched}`);

/** Add to a line (or create it); quantity 1–99 per line. */
export async function addLine(
  db: Db,
  actor: Principal,
  cartId: string,
  variantId: string,
  quantity: number,
): Promise<CartView> {
  const [fast] = await addLineFast(db, { cartId, variantId, quantity, ...fastAccess(actor) });
  if (fast?.done === 1) return cartView(db, actor, cartId);
  await inTransaction(db, async (tx) => {
    const cart = await loadCart(tx, actor, cartId, { forUpdate: true });
    assertOpen(cart);
    await getVariants(tx, [variantId]);
    await tx
      .insert(cartLines)
      .values({ cartId, variantId, quantity })
      .onConflictDoUpdate({
        target: [cartLines.cartId, cartLines.variantId],
        set: { quantity: sql`LEAST(${cartLines.quantity} + ${quantity}, 99)` },
      });
    await touchCart(tx, cart);
  });
  return cartView(db, actor, cartId);
}

/** Add several items in one transaction (a reorder): each line as addLine would, capped at 99. */
export async function addLines(
  db: Db,
  actor: Principal,
  cartId: string,
  lines: ReadonlyArray<{ variantId: string; quantity: number }>,
): Promise<CartView> {
  await inTransaction(db, async (tx) => {
    const cart = await loadCart(tx, actor, cartId, { forUpdate: true });
    assertOpen(cart);
    await getVariants(
      tx,
      lines.map((l) => l.variantId),
    );
    for (const l of lines)
      await tx
        .insert(cartLines)
        .values({ cartId, variantId: l.variantId, quantity: Math.min(l.quantity, 99) })
        .onConflictDoUpdate({
          target: [cartLines.cartId, cartLines.variantId],
          set: { quantity: sql`LEAST(${cartLines.quantity} + ${l.quantity}, 99)` },
        });
    await touchCart(tx, cart);
  });
  return cartView(db, actor, cartId);
}

/** Set a line's quantity; 0 removes it. */
export async function setLine(
  db: Db,
  actor: Principal,
  cartId: string,
  variantId: string,
  quantity: number,
): Promise<CartView> {
  await inTransaction(db, async (tx) => {
    const cart = await loadCart(tx, actor, cartId, { forUpdate: true });
    assertOpen(cart);
    if (quantity === 0)
      await tx.delete(cartLines).where(and(eq(cartLines.cartId, cartId), eq(cartLines.variantId, variantId)));
    else {
      await getVariants(tx, [variantId]);
      await tx
        .insert(cartLines)
        .values({ cartId, variantId, quantity })
        .onConflictDoUpdate({ target: [cartLines.cartId, cartLines.variantId], set: { quantity } });
    }
    await touchCart(tx, cart);
  });
  return cartView(db, actor, cartId);
}

/** Choose how the order reaches the person: pickup needs a store that offers it; ship needs an address. */
export async function setFulfilment(
  db: Db,
  actor: Principal,
  cartId: string,
  choice: FulfilmentChoice,
): Promise<CartView> {
  const invalid = (reasonJa: string, reasonEn: string) =>
    new DomainError('cart.fulfilment_invalid', { reasonJa, reasonEn });
  if (choice.type === 'pickup' || choice.type === 'hold' || choice.type === 'instore') {
    if (!choice.locationId)
      throw new DomainError('platform.validation', {}, [{ field: 'locationId', message: 'required' }]);
    const loc = await getLocation(db, choice.locationId);
    if (loc.kind !== 'store' || !loc.active) throw invalid('店舗を選んでください。', 'Choose a store.');
    if (choice.type === 'pickup' && !loc.services.pickup)
      throw invalid(`${loc.name} は店舗受け取りを行っていません。`, `${loc.name} does not offer pickup.`);
  } else if (choice.type === 'order_ahead') {
    // Mobile order: a store with services.orderAhead and one of its 10-minute pickup slots (slots.ts).
    if (!choice.locationId)
      throw new DomainError('platform.validation', {}, [{ field: 'locationId', message: 'required' }]);
    if (!choice.slotStart)
      throw new DomainError('platform.validation', {}, [{ field: 'slotStart', message: 'required' }]);
    const { start } = await checkSlot(db, choice.locationId, 'order_ahead', choice.slotStart);
    choice = { type: 'order_ahead', locationId: choice.locationId, slotStart: start.toISOString() };
  } else if (choice.type === 'delivery') {
    // Local delivery: the address (with its pin) picks the store, or the chosen store must cover it; the
    // delivery window may come in a second call, once the shopper sees the store's windows.
    const origin = await deliveryOrigin(db, choice.address, await cartLinesOf(db, cartId), choice.locationId);
    const slot = choice.slotStart ? await checkSlot(db, origin.location.id, 'delivery', choice.slotStart) : null;
    choice = {
      type: 'delivery',
      locationId: origin.location.id,
      address: choice.address!,
      distanceKm: origin.distanceKm,
      slotStart: slot?.start.toISOString() ?? null,
    };
  } else if (choice.type === 'ship') {
    if (!choice.address) throw new DomainError('platform.validation', {}, [{ field: 'address', message: 'required' }]);
  } else {
    throw invalid('この受け取り方法はまだ選べません。', 'This fulfilment type is not available yet.');
  }
  const [fast] = await setFulfilmentFast(db, { cartId, fulfilment: JSON.stringify(choice), ...fastAccess(actor) });
  if (fast?.done === 1) return cartView(db, actor, cartId);
  await inTransaction(db, async (tx) => {
    const cart = await loadCart(tx, actor, cartId, { forUpdate: true });
    assertOpen(cart);
    await touchCart(tx, cart, { fulfilment: choice });
  });
  return cartView(db, actor, cartId);
}

export type CartLine = {
  variantId: string;
  quantity: number;
  variant: VariantInfo | null;
  /**
   * At the chosen store (pickup, hold, order-ahead, delivery), as read with the cart: what is free now, and
   * whether a lapsed reservation may still hold some of it. Null when no store is chosen (shipping).
   */
  stock: { available: number; lapsed: boolean } | null;
};

/**
 * A cart and its lines (in the order they were added) with their variants, in one round trip; for
 * checkout also the next order number (`drawn`: a checkout that fails leaves a gap in the numbers).
 */
export async function loadCartWithLines(
  db: Executor,
  actor: Principal,
  id: string,
  opts: { drawOrderNumber?: boolean } = {},
): Promise<{ cart: Cart; lines: CartLine[]; drawn: string | null }> {
  const [row] = await cartRead(db, opts.drawOrderNumber ?? false).execute({ id });
  if (!row) throw new DomainError('cart.not_found', { cartId: id });
  assertCartAccess(actor, row.cart);
  return {
    cart: row.cart,
    lines: typeof row.lines === 'string' ? (JSON.parse(row.lines) as CartLine[]) : row.lines,
    drawn: row.drawn,
  };
}

/**
 * The read behind loadCartWithLines, built once per database and sent as a named prepared statement
 * (every cart view and checkout starts with it): neither Drizzle nor the server plans it again.
 */
const cartReads = {
  plain: perExecutor((db) => buildCartRead(db, false)),
  drawing: perExecutor((db) => buildCartRead(db, true)),
};
const cartRead = (db: Executor, draw: boolean) => cartReads[draw ? 'drawing' : 'plain'](db);

function buildCartRead(db: Executor, draw: boolean) {
  return db
    .select({
      cart: carts,
      lines: sql<
        CartLine[]
      >`(SELECT coalesce(json_agg(json_build_object('variantId', l.variant_id, 'quantity', l.quantity, 'variant', ${variantInfoJson},
                                'stock', CASE WHEN carts.fulfilment->>'locationId' IS NOT NULL AND carts.fulfilment->>'type' <> 'ship'
                                              THEN json_build_object('available', coalesce(s.on_hand - s.reserved, 0), 'lapsed', coalesce(s.next_expiry <= now(), false)) END)
                                ORDER BY l.added_at, l.variant_id), '[]'::json)
                              FROM cart_lines l LEFT JOIN variants v ON v.id = l.variant_id LEFT JOIN products p ON p.id = v.product_id
                              LEFT JOIN stock_levels s ON s.variant_id = l.variant_id AND s.location_id = carts.fulfilment->>'locationId'
                             WHERE l.cart_id = carts.id)`, // qualified: v, p and s have ids too
      drawn: draw ? sql<string | null>`nextval('order_number_seq')::text` : sql<string | null>`NULL`,
    })
    .from(carts)
    .where(eq(carts.id, sql.placeholder('id')))
    .prepare(`cart_with_lines_${draw ? 'drawing' : 'plain'}`);
}

export async function cartLinesOf(db: Executor, cartId: string) {
  return db
    .select({ variantId: cartLines.variantId, quantity: cartLines.quantity })
    .from(cartLines)
    .where(eq(cartLines.cartId, cartId))
    .orderBy(asc(cartLines.addedAt), asc(cartLines.variantId));
}

/**
 * Where a fulfilment takes its stock from: the chosen store, or for shipping the warehouse. `located`: the
 * active locations as listLocations(db) gave them in this request (shipping also plans from them), so the
 * table is read once.
 */
export async function sourceLocation(
  db: Db,
  choice: FulfilmentChoice | null,
  located?: LocationWithDistance[],
): Promise<string | null> {
  if (!choice) return null;
  if (choice.locationId) return choice.locationId;
  const [warehouse] = located
    ? located.filter((l) => l.kind === 'warehouse')
    : await listLocations(db, { kind: 'warehouse' });
  return warehouse?.id ?? null;
}

/** Lines the location cannot supply, each with alternatives nearby and in other sizes/colours. */
export async function lineIssues(
  db: Db,
  locationId: string,
  lines: ReadonlyArray<{ variantId: string; quantity: number }>,
): Promise<LineIssue[]> {
  if (!lines.length) return [];
  const here = new Map(
    (
      await availabilityAtLocation(
        db,
        locationId,
        lines.map((l) => l.variantId),
      )
    ).map((l) => [l.variantId, l.available]),
  );
  const short = lines.filter((l) => (here.get(l.variantId) ?? 0) < l.quantity);
  if (!short.length) return [];
  const loc = await getLocation(db, locationId);
  const nearby = (await listLocations(db, { near: { lat: loc.lat, lng: loc.lng }, radiusKm: 30, kind: 'store' }))
    .filter((l) => l.id !== locationId)
    .slice(0, 8);
  const info = await getVariants(
    db,
    short.map((l) => l.variantId),
  );
  const issues: LineIssue[] = [];
  for (const line of short) {
    const elsewhere = [];
    for (const other of nearby) {
      const [level] = await availabilityAtLocation(db, other.id, [line.variantId]);
      if ((level?.available ?? 0) >= line.quantity)
        elsewhere.push({ locationId: other.id, name: other.name, available: level!.available });
      if (elsewhere.length === 3) break;
    }
    const productId = info.get(line.variantId)!.productId;
    const siblings = await siblingVariants(db, productId, line.variantId);
    const siblingLevels = siblings.length
      ? await availabilityAtLocation(
          db,
          locationId,
          siblings.map((s) => s.id),
        )
      : [];
    issues.push({
      variantId: line.variantId,
      requested: line.quantity,
      available: here.get(line.variantId) ?? 0,
      alternatives: {
        locations: elsewhere,
        variants: siblingLevels
          .filter((l) => l.available >= line.quantity)
          .map((l) => ({
            variantId: l.variantId,
            options: siblings.find((s) => s.id === l.variantId)!.options,
            available: l.available,
          })),
      },
    });
  }
  return issues;
}

export async function cartView(db: Db, actor: Principal, id: string): Promise<CartView> {
  const { cart, lines } = await loadCartWithLines(db, actor, id);
  return viewOf(db, cart, lines);
}

/** The view of a cart read (or just written) with its lines. */
async function viewOf(db: Db, cart: Cart, lines: CartLine[]): Promise<CartView> {
  const tier = cart.customerId ? (await loadCustomer(db, cart.customerId)).tier : undefined;
  const totals = await priceLines(db, lines, {
    fulfilment: cart.fulfilment?.type,
    distanceKm: cart.fulfilment?.distanceKm,
    tier,
    // The points are recorded at the fulfilling store (a ship order's warehouse is chosen at checkout).
    earnAt: { channel: cart.channel, locationId: cart.fulfilment?.locationId ?? cart.locationId },
    promotions: {
      channel: cart.channel,
      locationId: cart.locationId,
      customerId: cart.customerId,
      coupons: cart.coupons,
    },
  });
  const open = cart.status === 'open';
  const ship = open && cart.fulfilment?.type === 'ship';
  const located = ship ? await listLocations(db) : undefined;
  const plan = ship ? await planShipments(db, lines, cart.fulfilment!.address, located) : null;
  const source = open ? await sourceLocation(db, cart.fulfilment, located) : null;
  // Shipping reports only what no shipping location can send; the others what the chosen store lacks.
  const checked = plan ? lines.filter((l) => plan.short.some((s) => s.variantId === l.variantId)) : lines;
  return {
    id: cart.id,
    channel: cart.channel,
    status: cart.status,
    customerId: cart.customerId,
    locationId: cart.locationId,
    fulfilment: cart.fulfilment,
    orderId: cart.orderId,
    ...totals,
    issues: source && checked.length ? await lineIssues(db, source, checked) : [],
    shipments: plan?.shipments ?? null,
  };
}

/**
 * The signed-in member's open cart. A cart the same device filled before logging in is taken over
 * (its lines added), so the anonymous cart follows the person.
 */
export async function myCart(db: Db, actor: Principal & { kind: 'customer' }): Promise<CartView> {
  const id = await inTransaction(db, async (tx) => {
    const [mine] = await tx
      .select()
      .from(carts)
      .where(and(eq(carts.customerId, actor.customerId), eq(carts.status, 'open')))
      .orderBy(sql`${carts.updatedAt} DESC`)
      .limit(1)
      .for('update');
    const anonymous = actor.deviceId
      ? await tx
          .select()
          .from(carts)
          .where(and(eq(carts.deviceId, actor.deviceId), sql`${carts.customerId} IS NULL`, eq(carts.status, 'open')))
          .for('update')
      : [];
    let target = mine?.id;
    if (!target) {
      target = anonymous[0]?.id ?? newId('crt');
      if (anonymous[0]) await tx.update(carts).set({ customerId: actor.customerId }).where(eq(carts.id, target));
      else
        await tx
          .insert(carts)
          .values({ id: target, channel: 'web', customerId: actor.customerId, deviceId: actor.deviceId });
    }
    for (const other of anonymous.filter((c) => c.id !== target)) {
      await tx.execute(sql`INSERT INTO cart_lines (cart_id, variant_id, quantity, added_at)
                           SELECT ${target}, variant_id, quantity, added_at FROM cart_lines WHERE cart_id = ${other.id}
                           ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = LEAST(cart_lines.quantity + EXCLUDED.quantity, 99)`);
      await tx
        .update(carts)
        .set({ status: 'merged', updatedAt: sql`now()` })
        .where(eq(carts.id, other.id));
    }
    if (anonymous.length) await touchCart(tx, { id: target, customerId: actor.customerId });
    return target;
  });
  return cartView(db, actor, id);
}
