import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db/connection.ts';
import { inTransaction } from '../../../platform/db/tx.ts';
import { DomainError } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { Refused } from '../../../platform/db/together.ts';
import type { Principal } from '../../../platform/auth.ts';
import { loadCartWithLines } from '../carts.ts';
import { bookSlot } from '../slots.ts';
import { settlePurchase } from '../settle-purchase.ts';
import { carts } from '../schema.ts';
import { orderNumber, orderView, toOrderView, type OrderView } from '../views.ts';
import type { CheckoutDeps } from '../deps.ts';
import { chooseDeadline, type Deadline } from './deadline.ts';
import { holdAndAuthorise, nothingHeld } from './hold-and-authorise.ts';
import { voidAbandonedAttempts } from './card-attempts.ts';
import { authoriseConfirmed, cancelUnconfirmed } from './browser-card.ts';
import { problemOf, refusalOf } from './refusals.ts';
import { noteRefusedCheckout } from '../refused-checkouts.ts';
import type { CheckoutInput, PaymentInput } from '../schemas.ts';
import { readCheckout, sourcesOf, unavailableOf } from './read-checkout.ts';
import { writeOrder, type OrderHead, type Paid, type Source, type Written } from './write-order.ts';

/** The checkout body: one definition, the route's Zod schema (schemas.ts). */
export type { CheckoutInput, PaymentInput };

/** What only the server's own callers choose (never a shopper's body). */
export interface CheckoutOptions {
  /** A pickup whose stock is reserved at this location, not the pickup store (取り寄せ: place-for-member.ts). */
  pickupFrom?: string | undefined;
}

/**
 * Checkout: read and price the cart, then the steps of placing an order — choose the deadline; with a
 * card, hold the stock and authorise (undo: release and void); write the order in one statement that
 * also reserves the stock until the order leaves; settle the purchase (coupons, points, wallet)
 * in the same transaction. If anything fails, the steps done are undone: nothing stays
 * reserved or charged. A second checkout of the same cart returns the first order.
 */
export async function checkout(
  db: Db,
  deps: CheckoutDeps,
  actor: Principal,
  cartId: string,
  input: CheckoutInput,
  opts: CheckoutOptions = {},
): Promise<{ order: OrderView; replayed: boolean }> {
  try {
    return await checkoutOrRetry(db, deps, actor, cartId, input, opts);
  } catch (err) {
    // After the rollback: a refusal for want of stock is a demand signal (stockouts, analytics).
    await noteRefusedCheckout(db, cartId, err);
    throw err;
  }
}

async function checkoutOrRetry(
  db: Db,
  deps: CheckoutDeps,
  actor: Principal,
  cartId: string,
  input: CheckoutInput,
  opts: CheckoutOptions,
): Promise<{ order: OrderView; replayed: boolean }> {
  try {
    return await checkoutOnce(db, deps, actor, cartId, input, opts);
  } catch (err) {
    // A retry after its process died mid-checkout: the dead attempt's holds must not make it "sold out".
    // Only on this path (a card checkout refused), so a checkout that goes through, or a flash sale's
    // refusals without a card, send nothing more; the sweep job catches the rest within seconds.
    if (!(err instanceof DomainError && err.code === 'cart.unavailable')) throw err;
    // With Stripe, her own card payment left unconfirmed (a declined card, then 店頭払い) holds the stock:
    // it is cancelled, so it never makes her own cart "sold out".
    if (deps.card.begin && (await cancelUnconfirmed(db, deps.card, cartId)))
      return checkoutOnce(db, deps, actor, cartId, input, opts);
    if (input.payment?.method !== 'card') throw err;
    if (!(await voidAbandonedAttempts(db, deps.card, { cartId }))) throw err;
    return checkoutOnce(db, deps, actor, cartId, input, opts);
  }
}

async function checkoutOnce(
  db: Db,
  deps: CheckoutDeps,
  actor: Principal,
  cartId: string,
  input: CheckoutInput,
  opts: CheckoutOptions,
): Promise<{ order: OrderView; replayed: boolean }> {
  const read = await loadCartWithLines(db, actor, cartId, { drawOrderNumber: true });
  const { cart, lines, drawn } = read;
  if (cart.status === 'checked_out' && cart.orderId)
    return { order: await orderView(db, cart.orderId), replayed: true };
  const c = await readCheckout(db, read, input);
  const when = await chooseDeadline(db, c.choice, c.locationId, deps.pickupDays);
  const card = c.payment?.method === 'card' && c.rest > 0 ? c.payment : null;
  // No acquirer configured (CARD_PROVIDER=none): a card is never taken, whatever number is typed.
  if (card && !deps.card.available) throw new DomainError('payment.card_unavailable');
  // An acquirer the browser confirms (Stripe): the stock was held and the intent made by beginCardPayment;
  // the sources are its holds (planned then, before they made the stock look taken).
  const inBrowser = card !== null && deps.card.begin !== undefined;
  let groups = inBrowser ? [] : (await sourcesOf(db, c, lines, opts.pickupFrom)).groups;
  const unavailable = unavailableOf(db, c);
  let authorised = nothingHeld;
  try {
    if (inBrowser)
      ({ authorised, groups } = await authoriseConfirmed(db, deps.card, {
        cartId,
        amount: c.rest,
        token: card.card.token,
        lines,
      }));
    else if (card)
      authorised = await holdAndAuthorise(db, deps.card, {
        cartId,
        amount: c.rest,
        card: card.card,
        reservations: groups.map((g) => g.reserve),
      });
    const sources: Source[] = groups.map((g, i) => ({ ...g, reservation: authorised.held[i] ?? null }));
    const head: Omit<OrderHead, 'id'> = {
      number: orderNumber(cart.channel, drawn!),
      cartId,
      channel: cart.channel,
      sellingLocation: cart.locationId,
      actor,
      customerId: c.customer?.id ?? null,
      guest: input.guest ?? null,
      totals: c.totals,
    };
    const paid: Paid = {
      points: c.usePoints,
      rest: c.rest,
      payment: c.payment,
      charge: authorised.charge,
      provider: deps.card.name,
      attemptId: authorised.attemptId,
    };
    const written = await placeOrder(db, head, sources, c.choice, when, paid);
    const customer = c.customer
      ? {
          name: c.customer.name,
          nameKana: c.customer.nameKana,
          memberNumber: c.customer.memberNumber,
          tier: c.customer.tier,
        }
      : null;
    // The answer is built from the rows the statement returned: the order just written is not read back.
    return { order: toOrderView({ ...written, customer }), replayed: false };
  } catch (err) {
    await authorised.undo();
    // Two checkouts of the same cart raced: the loser answers with the winner's order.
    const [again] = await db.select().from(carts).where(eq(carts.id, cartId));
    if (again?.status === 'checked_out' && again.orderId)
      return { order: await orderView(db, again.orderId), replayed: true };
    throw await unavailableOr(err);
  } finally {
    authorised.end();
  }

  async function unavailableOr(err: unknown) {
    if (err instanceof DomainError && err.code === 'inventory.insufficient_stock')
      return unavailable(String(err.params.variantId), String(err.params.locationId ?? c.locationId), err.params);
    return err;
  }
}

/**
 * Steps 3 and 4 — write the order (one statement), then settle the purchase in the same transaction when
 * there is anything to settle (a member's coupons, first-purchase discount, points and wallet,
 * an order-ahead or delivery slot); a guest's order needs no transaction at all. A refusal by the
 * statement is its problem; a shortage that is gone when looked at again is tried once more.
 */
async function placeOrder(
  db: Db,
  head: Omit<OrderHead, 'id'>,
  sources: Source[],
  choice: Parameters<typeof writeOrder>[4],
  when: Deadline,
  paid: Paid,
  lastTry = false,
): Promise<Written> {
  const order: OrderHead = { ...head, id: newId('ord') };
  const write = (ex: Db | Tx) => writeOrder(ex, db, order, sources, choice, when, paid);
  const followUps = order.customerId !== null || when.slot !== null || order.totals.discounts.length > 0;
  try {
    return followUps
      ? await inTransaction(db, async (tx) => {
          const w = await write(tx);
          await settleOrder(tx, order, w, sources[0]!.locationId, when, paid);
          return w;
        })
      : await write(db);
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    const held = sources.flatMap((s) => (s.reservation ? [s.reservation.id] : []));
    const problem = await problemOf(db, refusalOf(err, held), order.cartId);
    if (problem) throw problem;
    if (!lastTry) return placeOrder(db, head, sources, choice, when, paid, true);
    const line = sources.filter((s) => !s.reservation).flatMap((s) => s.reserve.lines)[0]!;
    throw new DomainError('inventory.insufficient_stock', {
      variantId: line.variantId,
      locationId: line.locationId,
      requested: line.quantity,
      available: 0,
    });
  }
}

/**
 * Step 4 — settle the purchase: the slot is booked, then coupons → points → wallet (settlePurchase); her
 * timeline hears of the order from its order.placed event.
 */
async function settleOrder(tx: Tx, order: OrderHead, w: Written, locationId: string, when: Deadline, paid: Paid) {
  // A guarded upsert: a full slot throws 409 slot.full and the whole order rolls back.
  if (when.slot) await bookSlot(tx, locationId, when.slot.kind, when.slot.start, when.slot.capacity);
  await settlePurchase(tx, {
    orderId: order.id,
    customerId: order.customerId,
    channel: order.channel,
    locationId,
    coupons: { cartCoupons: w.cartCoupons, discounts: order.totals.discounts },
    couponLocationId: order.sellingLocation ?? locationId,
    points: paid.points,
    wallet: paid.rest > 0 && paid.payment?.method === 'wallet' ? paid.rest : 0,
  });
}
