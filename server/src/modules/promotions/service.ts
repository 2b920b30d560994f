/**
 * The promotions module's public face: pricing asks it for discounts, checkout asks it to record the
 * coupons used, the cart asks it whether a code may go on. Authoring (HQ) lives in admin.ts.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { query, type Executor, type Tx } from '../../platform/db/connection.ts';
import { tableCache } from '../../platform/db/table-cache.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { categoryChains } from '../catalog/service.ts';
import {
  applyOffers,
  ineligibility,
  type EngineContext,
  type EngineLine,
  type EnginePromotion,
  type EngineResult,
  type Offer,
} from './engine.ts';
import { couponCodes, couponRedemptions, coupons, promotions } from './schema.ts';
import './problems.ts';

export {
  assertIssuable,
  issuableCoupons,
  issueCoupons,
  issuedCouponsOf,
  issuedCouponsPart,
  type IssuableCoupon,
  type IssuedCoupon,
} from './issued.ts';
export { issuedCountsSql, issuedRedemptionsSql } from './audience.ts';
export {
  allCouponUsesSql,
  codesIssuedByDaySql,
  couponUsesOfOrdersSql,
  couponUsesSql,
  couponsIssuedSql,
  promotionNamesSql,
} from './effect-sql.ts';
export { enginePromotionView, issuedCouponView } from './schemas.ts';
export { exportIssuedCoupons, issuedCouponsMergeStep } from './customer-coupons.ts';

export type Promotion = typeof promotions.$inferSelect;
export type Coupon = typeof coupons.$inferSelect;

/** Codes are compared upper-case with spaces and hyphens removed (people type "spring-2026 " too). */
export function normalizeCode(code: string): string {
  return code
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-‐－ー]/g, '');
}

export interface PromotionScope {
  channel: string;
  /** The store where the sale is made (a till cart's store); null online. */
  locationId: string | null;
  customerId: string | null;
  tier: string | null;
  now?: Date | undefined;
}

export function toEngine(p: Promotion): EnginePromotion {
  return {
    id: p.id,
    name: p.name,
    kind: p.kind,
    params: p.params,
    target: p.target,
    conditions: p.conditions,
    startsAt: p.startsAt,
    endsAt: p.endsAt,
    priority: p.priority,
    stackable: p.stackable,
    active: p.active,
    requiresCoupon: p.requiresCoupon,
  };
}

/**
 * A member with no order yet (cancelled ones do not count; `exceptOrderId` is the order being placed).
 * Guests: false — we cannot tell. Read without a lock: confirmFirstPurchase re-checks it under one.
 */
async function isFirstPurchase(db: Executor, customerId: string | null, exceptOrderId = ''): Promise<boolean> {
  if (!customerId) return false;
  // orders is read by name, not imported: orders depends on this module, not the other way round.
  const [row] = await query<{ any: boolean }>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM orders WHERE customer_id = ${customerId} AND status <> 'cancelled' AND id <> ${exceptOrderId}) AS any`,
  );
  return !row?.any;
}

export async function engineContext(db: Executor, scope: PromotionScope): Promise<EngineContext> {
  return {
    channel: scope.channel,
    locationId: scope.locationId,
    tier: scope.tier,
    firstPurchase: await isFirstPurchase(db, scope.customerId),
    now: scope.now ?? new Date(),
  };
}

interface Resolved {
  coupon: Coupon;
  promotion: Promotion;
  /** The single-use code row, for single-use coupons; `customerId`: the member it was issued to. */
  single: { redeemedAt: Date | null; customerId: string | null } | null;
  code: string;
}

async function resolveCoupon(db: Executor, raw: string): Promise<Resolved> {
  const code = normalizeCode(raw);
  let [coupon] = code ? await db.select().from(coupons).where(eq(coupons.code, code)) : [];
  let single: Resolved['single'] = null;
  if (!coupon && code) {
    const [row] = await db.select().from(couponCodes).where(eq(couponCodes.code, code));
    if (row) {
      [coupon] = await db.select().from(coupons).where(eq(coupons.id, row.couponId));
      single = { redeemedAt: row.redeemedAt, customerId: row.customerId };
    }
  }
  if (!coupon) throw new DomainError('coupon.not_found', { code: code || raw });
  const [promotion] = await db.select().from(promotions).where(eq(promotions.id, coupon.promotionId));
  if (!promotion) throw new DomainError('coupon.not_found', { code });
  return { coupon, promotion, single, code };
}

/** Uses that still count against a per-member limit: a cancelled order's use was given back. */
async function timesUsedBy(db: Executor, couponId: string, customerId: string): Promise<number> {
  const [row] = await query<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM coupon_redemptions WHERE coupon_id = ${couponId} AND customer_id = ${customerId} AND released_at IS NULL`,
  );
  return row?.n ?? 0;
}

/**
 * The codes among these whose use is the member's own (a per-member limit, first purchase only, a tier,
 * a code issued to her account):
 * spending them for her needs her presence at the till, as her wallet and points do. Unknown codes are
 * left to the pricing, which refuses them.
 */
export async function memberBoundCoupons(db: Executor, codes: readonly string[]): Promise<string[]> {
  const bound: string[] = [];
  for (const raw of codes) {
    const r = await resolveCoupon(db, raw).catch(() => null);
    if (!r) continue;
    const c = r.promotion.conditions;
    if (r.coupon.perCustomerLimit !== null || c.firstPurchaseOnly || c.tiers.length || r.single?.customerId)
      bound.push(r.code);
  }
  return bound;
}

/** A code issued to a member's account is hers alone: a guest must sign in, another member cannot. */
function assertIssuedTo(r: Resolved, customerId: string | null): void {
  const owner = r.single?.customerId;
  if (!owner || owner === customerId) return;
  if (!customerId) throw new DomainError('coupon.members_only', { code: r.code });
  throw new DomainError('coupon.issued_to_another', { code: r.code });
}

/**
 * May this code be used in this cart now? Throws the problem the customer should see; returns the offer.
 * Minimum spend is not checked here: the cart may still grow (the coupon then simply gives nothing yet).
 */
export async function checkCoupon(
  db: Executor,
  raw: string,
  scope: PromotionScope,
  ctx?: EngineContext,
): Promise<Offer> {
  const r = await resolveCoupon(db, raw);
  const now = scope.now ?? new Date();
  const { code } = r;
  if ((r.coupon.startsAt && now < r.coupon.startsAt) || (r.coupon.endsAt && now >= r.coupon.endsAt))
    throw new DomainError('coupon.expired', { code });
  if (r.single?.redeemedAt) throw new DomainError('coupon.used', { code });
  assertIssuedTo(r, scope.customerId);
  const why = ineligibility(toEngine(r.promotion), ctx ?? (await engineContext(db, { ...scope, now })), true);
  if (why === 'inactive' || why === 'window') throw new DomainError('coupon.expired', { code });
  if (why === 'channel' || why === 'location') throw new DomainError('coupon.not_for_channel', { code, where: why });
  if (why === 'tier' || why === 'first_purchase') throw new DomainError('coupon.not_eligible', { code, reason: why });
  if (r.coupon.perCustomerLimit !== null) {
    if (!scope.customerId) throw new DomainError('coupon.members_only', { code });
    if ((await timesUsedBy(db, r.coupon.id, scope.customerId)) >= r.coupon.perCustomerLimit)
      throw new DomainError('coupon.limit_reached', { code, limit: r.coupon.perCustomerLimit });
  }
  return { promotion: toEngine(r.promotion), code };
}

/**
 * The promotions that apply without a coupon and are switched on, whatever their dates (the window is
 * checked at the moment of sale): every cart and checkout prices with them, so they are kept in memory
 * and read again whenever the table changes (table-cache.ts).
 */
const automaticPromotions = tableCache('promotions', (db) =>
  db
    .select()
    .from(promotions)
    .where(and(eq(promotions.active, true), eq(promotions.requiresCoupon, false))),
);

/**
 * The automatic promotions a store's till may apply while offline: for the store channel and this store,
 * not over (the till's engine checks each window at the moment of sale). Tier and first-purchase
 * conditions are kept: offline the member's tier and history are unknown, so those never apply there.
 */
export async function offlinePromotions(db: Executor, locationId: string): Promise<EnginePromotion[]> {
  const now = new Date();
  return (await automaticPromotions.get(db))
    .filter((p) => !p.endsAt || p.endsAt > now)
    .filter((p) => !p.conditions.channels.length || p.conditions.channels.includes('store'))
    .filter((p) => !p.conditions.locationIds.length || p.conditions.locationIds.includes(locationId))
    .map(toEngine);
}

export interface PromotableLine {
  variantId: string;
  productId: string;
  quantity: number;
  unitPrice: number;
  total: number;
}

/**
 * Discounts for priced lines: every automatic promotion that qualifies plus the cart's coupons that are
 * still valid (a coupon that has expired or been used since it was added is skipped, not an error — the
 * cart must still open). Checkout passes `strict`: then an invalid coupon is its problem (409), and
 * redeemCoupons re-checks single-use codes and limits inside the order's transaction.
 */
export async function applyPromotions(
  db: Executor,
  lines: readonly PromotableLine[],
  scope: PromotionScope & { coupons: readonly string[]; strict?: boolean | undefined },
): Promise<EngineResult> {
  const none: EngineResult = { applied: [], lineDiscounts: lines.map(() => 0), total: 0 };
  if (!lines.length) return none;
  const now = scope.now ?? new Date();
  const automatic = (await automaticPromotions.get(db)).filter(
    (p) => (!p.startsAt || p.startsAt <= now) && (!p.endsAt || p.endsAt > now),
  );
  if (!automatic.length && !scope.coupons.length) return none;
  const ctx = await engineContext(db, { ...scope, now });
  const offers: Offer[] = automatic.map((p) => ({ promotion: toEngine(p), code: null }));
  for (const code of scope.coupons) {
    try {
      offers.push(await checkCoupon(db, code, { ...scope, now }, ctx));
    } catch (err) {
      // At checkout (strict) the customer must hear that their coupon no longer works, not pay full price.
      if (!(err instanceof DomainError) || scope.strict) throw err;
    }
  }
  const chains = await categoryChains(
    db,
    lines.map((l) => l.productId),
  );
  const engineLines: EngineLine[] = lines.map((l) => ({ ...l, categoryIds: chains.get(l.productId) ?? [] }));
  return applyOffers(engineLines, ctx, offers);
}

/**
 * Record the coupons an order used, inside checkout's transaction. A single-use code is taken by a
 * guarded update (only while redeemedAt is null): of any number of concurrent checkouts exactly one
 * gets the row, the others see it taken once the winner commits and fail with 409 coupon.used — which
 * rolls their whole order back. A per-member limit is counted under an advisory lock on (coupon, member)
 * so two carts of the same member cannot both slip under it.
 */
export async function redeemCoupons(
  tx: Tx,
  input: {
    orderId: string;
    customerId: string | null;
    channel: string;
    locationId: string | null;
    cartCoupons: readonly string[];
    discounts: ReadonlyArray<{ code: string; amount: number }>;
  },
): Promise<void> {
  const onCart = new Set(input.cartCoupons.map(normalizeCode));
  for (const d of input.discounts) {
    if (!onCart.has(d.code) || d.amount <= 0) continue;
    const r = await resolveCoupon(tx, d.code);
    const singleUse = r.coupon.kind === 'single_use';
    if (singleUse) {
      assertIssuedTo(r, input.customerId);
      // Guarded: unused, and (for a code issued to a member) still hers.
      const taken = await tx
        .update(couponCodes)
        .set({ redeemedAt: sql`now()`, orderId: input.orderId })
        .where(
          and(
            eq(couponCodes.code, r.code),
            sql`${couponCodes.redeemedAt} IS NULL`,
            sql`(${couponCodes.customerId} IS NULL OR ${couponCodes.customerId} = ${input.customerId})`,
          ),
        )
        .returning({ code: couponCodes.code });
      if (!taken.length) throw new DomainError('coupon.used', { code: r.code });
    }
    if (r.coupon.perCustomerLimit !== null) {
      if (!input.customerId) throw new DomainError('coupon.members_only', { code: r.code });
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`coupon:${r.coupon.id}:${input.customerId}`}))`);
      if ((await timesUsedBy(tx, r.coupon.id, input.customerId)) >= r.coupon.perCustomerLimit)
        throw new DomainError('coupon.limit_reached', { code: r.code, limit: r.coupon.perCustomerLimit });
    }
    await tx.insert(couponRedemptions).values({
      id: newId('red'),
      couponId: r.coupon.id,
      promotionId: r.promotion.id,
      code: r.code,
      singleUse,
      customerId: input.customerId,
      orderId: input.orderId,
      amount: d.amount,
      issuedChannel: r.coupon.issuedChannel,
      channel: input.channel,
      locationId: input.locationId,
    });
  }
}

interface OrderDiscounts {
  orderId: string;
  customerId: string | null;
  cartCoupons: readonly string[];
  discounts: ReadonlyArray<{ code: string; amount: number }>;
}

/**
 * The problem for each discount on the order whose promotion is for a first purchase only. A discount's
 * code is a coupon on the cart, or else the id of the automatic promotion that gave it.
 */
async function firstPurchaseOnly(tx: Tx, input: OrderDiscounts): Promise<DomainError[]> {
  const onCart = new Set(input.cartCoupons.map(normalizeCode));
  const problems: DomainError[] = [];
  for (const d of input.discounts) {
    if (d.amount <= 0) continue;
    if (onCart.has(d.code)) {
      const r = await resolveCoupon(tx, d.code);
      if (r.promotion.conditions.firstPurchaseOnly)
        problems.push(new DomainError('coupon.not_eligible', { code: r.code, reason: 'first_purchase' }));
    } else {
      const [p] = await tx.select().from(promotions).where(eq(promotions.id, d.code));
      if (p?.conditions.firstPurchaseOnly)
        problems.push(
          new DomainError('promotion.not_eligible', { promotionId: p.id, name: p.name, reason: 'first_purchase' }),
        );
    }
  }
  return problems;
}

/**
 * Inside the order's transaction, before redeemCoupons: a first-purchase-only discount (automatic or by
 * coupon) is re-checked under a lock on the member. Pricing read "no order yet" without a lock, so two
 * first checkouts of one member could both get it; here they queue on the advisory lock, and the second
 * sees the first's order (committed by then) and fails 409 — its order rolls back and checkout releases
 * the stock and voids the card. Failing, not placing the order without the discount: the card was
 * authorised (the till paid) for the discounted total, so the customer must see the new price first.
 */
export async function confirmFirstPurchase(tx: Tx, input: OrderDiscounts): Promise<void> {
  const problems = await firstPurchaseOnly(tx, input);
  if (!problems.length) return;
  if (!input.customerId) throw problems[0]!; // guests never qualify; pricing should not have given it
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`first_purchase:${input.customerId}`}))`);
  if (!(await isFirstPurchase(tx, input.customerId, input.orderId))) throw problems[0]!;
}

/**
 * Give back the coupons a cancelled order used, inside the cancel's transaction: each redemption is
 * marked released (kept for the audit, no longer counted against a per-member limit or in HQ's figures)
 * and a single-use code is free again. The code row is only freed while it still names this order, so
 * a code that has since gone elsewhere is never taken from that order. Returns are not cancellations:
 * a returned order keeps its coupon (usual retail practice), so returns do not call this.
 */
export async function releaseRedemptions(tx: Tx, orderId: string): Promise<number> {
  const released = await tx
    .update(couponRedemptions)
    .set({ releasedAt: sql`now()` })
    .where(and(eq(couponRedemptions.orderId, orderId), isNull(couponRedemptions.releasedAt)))
    .returning({ code: couponRedemptions.code, singleUse: couponRedemptions.singleUse });
  const codes = released.filter((r) => r.singleUse).map((r) => r.code);
  if (codes.length) {
    await tx
      .update(couponCodes)
      .set({ redeemedAt: null, orderId: null })
      .where(and(inArray(couponCodes.code, codes), eq(couponCodes.orderId, orderId)));
  }
  return released.length;
}
