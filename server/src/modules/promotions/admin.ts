/** Head office authoring: promotions, public coupons, batches of single-use codes, attribution. */
import { asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { inTransaction, sqlState } from '../../platform/db/tx.ts';
import { tableChanged } from '../../platform/db/table-cache.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { requireRole, type Principal } from '../../platform/auth.ts';
import {
  couponCodes,
  couponRedemptions,
  coupons,
  promotions,
  type CouponKind,
  type PromotionConditions,
  type PromotionKind,
  type PromotionParams,
  type PromotionTarget,
} from './schema.ts';
import { normalizeCode, type Coupon, type Promotion } from './service.ts';
import { randomCodes } from './issued.ts';
import type { CouponInput, PromotionInput } from './schemas.ts';
import './problems.ts';

export type { CouponInput, PromotionInput };

const hq = (actor: Principal) => requireRole(actor, 'owner', 'hq');

const noConditions: PromotionConditions = {
  channels: [],
  locationIds: [],
  tiers: [],
  firstPurchaseOnly: false,
  minSpend: 0,
};

/** Each kind needs its own parameters; a promotion that could never give anything is refused. */
function assertParams(kind: PromotionKind, q: PromotionParams): void {
  const bad = (ja: string, en: string) => new DomainError('promotion.invalid', { reasonJa: ja, reasonEn: en });
  const pos = (n: number | undefined) => Number.isInteger(n) && (n as number) >= 1;
  if (kind === 'percent_off' && !(pos(q.percent) && q.percent! <= 100))
    throw bad('percent は 1〜100 の整数で指定してください。', 'percent must be an integer 1–100.');
  if (kind === 'amount_off' && !pos(q.amount))
    throw bad('amount は 1 円以上で指定してください。', 'amount must be at least ¥1.');
  if (
    kind === 'buy_x_get_y' &&
    !(pos(q.buy) && pos(q.get) && (q.percent === undefined || (pos(q.percent) && q.percent <= 100)))
  )
    throw bad('buy と get は 1 以上で指定してください。', 'buy and get must be at least 1.');
  if (kind === 'bundle_price' && !(pos(q.quantity) && q.quantity! >= 2 && Number.isInteger(q.price) && q.price! >= 0))
    throw bad('quantity は 2 以上、price は 0 円以上で指定してください。', 'quantity must be ≥ 2 and price ≥ ¥0.');
}

function assertWindow(startsAt: Date | null, endsAt: Date | null): void {
  if (startsAt && endsAt && endsAt <= startsAt)
    throw new DomainError('promotion.invalid', {
      reasonJa: '終了日時は開始日時より後にしてください。',
      reasonEn: 'endsAt must be after startsAt.',
    });
}

const date = (s: string | null | undefined) => (s ? new Date(s) : null);

export async function createPromotion(db: Db, actor: Principal, input: PromotionInput): Promise<Promotion> {
  const staff = hq(actor);
  assertParams(input.kind, input.params);
  const startsAt = date(input.startsAt);
  const endsAt = date(input.endsAt);
  assertWindow(startsAt, endsAt);
  const [row] = await db
    .insert(promotions)
    .values({
      id: newId('prm'),
      name: input.name,
      description: input.description ?? '',
      kind: input.kind,
      params: input.params,
      target: input.target ?? { type: 'all', ids: [] },
      conditions: { ...noConditions, ...input.conditions },
      startsAt,
      endsAt,
      priority: input.priority ?? 0,
      stackable: input.stackable ?? true,
      active: input.active ?? true,
      requiresCoupon: input.requiresCoupon ?? false,
      createdBy: staff.staffId,
    })
    .returning();
  tableChanged(db, 'promotions'); // this app copy's next sale sees it at once (the others hear the table's trigger)
  return row!;
}

export async function listPromotions(
  db: Db,
  actor: Principal,
  opts: { active?: boolean | undefined } = {},
): Promise<Promotion[]> {
  hq(actor);
  const q = db.select().from(promotions);
  return (opts.active === undefined ? q : q.where(eq(promotions.active, opts.active))).orderBy(
    desc(promotions.priority),
    asc(promotions.id),
  );
}

export async function getPromotion(db: Db, id: string): Promise<Promotion> {
  const [row] = await db.select().from(promotions).where(eq(promotions.id, id));
  if (!row) throw new DomainError('promotion.not_found', { promotionId: id });
  return row;
}

export async function updatePromotion(
  db: Db,
  actor: Principal,
  id: string,
  patch: Partial<PromotionInput>,
): Promise<Promotion> {
  hq(actor);
  const updated = await inTransaction(db, async (tx) => {
    const [cur] = await tx.select().from(promotions).where(eq(promotions.id, id)).for('update');
    if (!cur) throw new DomainError('promotion.not_found', { promotionId: id });
    const kind = patch.kind ?? cur.kind;
    const params = patch.params ?? cur.params;
    assertParams(kind, params);
    const startsAt = patch.startsAt !== undefined ? date(patch.startsAt) : cur.startsAt;
    const endsAt = patch.endsAt !== undefined ? date(patch.endsAt) : cur.endsAt;
    assertWindow(startsAt, endsAt);
    const [row] = await tx
      .update(promotions)
      .set({
        name: patch.name ?? cur.name,
        description: patch.description ?? cur.description,
        kind,
        params,
        target: patch.target ?? cur.target,
        conditions: { ...cur.conditions, ...patch.conditions },
        startsAt,
        endsAt,
        priority: patch.priority ?? cur.priority,
        stackable: patch.stackable ?? cur.stackable,
        active: patch.active ?? cur.active,
        requiresCoupon: patch.requiresCoupon ?? cur.requiresCoupon,
        updatedAt: sql`now()`,
      })
      .where(eq(promotions.id, id))
      .returning();
    return row!;
  });
  tableChanged(db, 'promotions');
  return updated;
}

async function insertCoupon(db: Db, kind: CouponKind, input: CouponInput, code: string | null): Promise<Coupon> {
  await getPromotion(db, input.promotionId);
  const startsAt = date(input.startsAt);
  const endsAt = date(input.endsAt);
  assertWindow(startsAt, endsAt);
  if (code) {
    // Public and single-use codes share one namespace for the customer, so check the other table too.
    const [clash] = await db.select({ code: couponCodes.code }).from(couponCodes).where(eq(couponCodes.code, code));
    if (clash) throw new DomainError('coupon.code_taken', { code });
  }
  try {
    const [row] = await db
      .insert(coupons)
      .values({
        id: newId('cpn'),
        code,
        promotionId: input.promotionId,
        kind,
        perCustomerLimit: input.perCustomerLimit ?? null,
        startsAt,
        endsAt,
        issuedChannel: input.issuedChannel ?? null,
        campaign: input.campaign ?? null,
      })
      .returning();
    return row!;
  } catch (err) {
    if (sqlState(err) === '23505') throw new DomainError('coupon.code_taken', { code });
    throw err;
  }
}

/** A public code many customers type (チラシ, SNS): e.g. SPRING2026. */
export async function createPublicCoupon(
  db: Db,
  actor: Principal,
  input: CouponInput & { code: string },
): Promise<Coupon> {
  hq(actor);
  const code = normalizeCode(input.code);
  if (!/^[A-Z0-9]{4,32}$/.test(code))
    throw new DomainError('platform.validation', {}, [{ field: 'code', message: 'coupon_code' }]);
  return insertCoupon(db, 'public', input, code);
}

export { CODE_ALPHABET, CODE_LENGTH } from './issued.ts';

export async function generateBatch(
  db: Db,
  actor: Principal,
  input: {
    couponId?: string | undefined;
    coupon?: CouponInput | undefined;
    count: number;
    prefix?: string | undefined;
  },
): Promise<{ couponId: string; batchId: string; codes: string[] }> {
  hq(actor);
  const prefix = normalizeCode(input.prefix ?? '');
  if (!/^[A-Z0-9]{0,8}$/.test(prefix))
    throw new DomainError('platform.validation', {}, [{ field: 'prefix', message: 'coupon_prefix' }]);
  let coupon: Coupon;
  if (input.couponId) {
    const [row] = await db.select().from(coupons).where(eq(coupons.id, input.couponId));
    if (!row) throw new DomainError('coupon.not_found', { couponId: input.couponId });
    if (row.kind !== 'single_use') throw new DomainError('coupon.not_single_use', { couponId: row.id });
    coupon = row;
  } else if (input.coupon) {
    coupon = await insertCoupon(db, 'single_use', input.coupon, null);
  } else throw new DomainError('platform.validation', {}, [{ field: 'couponId', message: 'required' }]);
  const batchId = newId('bat');
  const codes: string[] = [];
  await inTransaction(db, async (tx) => {
    let want = input.count;
    // Collisions are astronomically rare at 55 bits, but a unique key decides, not luck: draw again.
    for (let round = 0; want > 0 && round < 5; round++) {
      for (let i = 0; i < want; i += 1000) {
        const chunk = randomCodes(Math.min(1000, want - i), prefix);
        const made = await tx
          .insert(couponCodes)
          .values(chunk.map((code) => ({ code, couponId: coupon.id, batchId })))
          .onConflictDoNothing()
          .returning({ code: couponCodes.code });
        codes.push(...made.map((m) => m.code));
      }
      want = input.count - codes.length;
    }
    if (want > 0) throw new DomainError('platform.conflict');
  });
  return { couponId: coupon.id, batchId, codes };
}

export async function listCoupons(db: Db, actor: Principal, promotionId?: string): Promise<Coupon[]> {
  hq(actor);
  const q = db.select().from(coupons);
  return (promotionId ? q.where(eq(coupons.promotionId, promotionId)) : q).orderBy(asc(coupons.id));
}

/**
 * Attribution: each use with where the code was handed out vs where it was used, and a summary. Uses
 * given back by a cancelled order stay in `items` (with releasedAt) but count nowhere else: no
 * discount was given in the end.
 */
export async function couponRedemptionsOf(db: Db, actor: Principal, couponId: string) {
  hq(actor);
  const [coupon] = await db.select().from(coupons).where(eq(coupons.id, couponId));
  if (!coupon) throw new DomainError('coupon.not_found', { couponId });
  const rows = await db
    .select()
    .from(couponRedemptions)
    .where(eq(couponRedemptions.couponId, couponId))
    .orderBy(desc(couponRedemptions.createdAt))
    .limit(1000);
  const kept = rows.filter((r) => !r.releasedAt);
  const byChannel = new Map<string, { channel: string; locationId: string | null; count: number; amount: number }>();
  for (const r of kept) {
    const key = `${r.channel}|${r.locationId ?? ''}`;
    const agg = byChannel.get(key) ?? { channel: r.channel, locationId: r.locationId, count: 0, amount: 0 };
    agg.count++;
    agg.amount += r.amount;
    byChannel.set(key, agg);
  }
  const issued =
    coupon.kind === 'single_use'
      ? await db
          .select({ n: sql<number>`count(*)::int` })
          .from(couponCodes)
          .where(inArray(couponCodes.couponId, [couponId]))
      : [];
  return {
    couponId,
    promotionId: coupon.promotionId,
    code: coupon.code,
    kind: coupon.kind,
    issuedChannel: coupon.issuedChannel,
    campaign: coupon.campaign,
    codesIssued: issued[0]?.n ?? null,
    redemptions: kept.length,
    released: rows.length - kept.length,
    discountTotal: kept.reduce((s, r) => s + r.amount, 0),
    usedAt: [...byChannel.values()].sort((a, b) => b.count - a.count),
    items: rows.map((r) => ({
      code: r.code,
      customerId: r.customerId,
      orderId: r.orderId,
      amount: r.amount,
      issuedChannel: r.issuedChannel,
      channel: r.channel,
      locationId: r.locationId,
      at: r.createdAt.toISOString(),
      releasedAt: r.releasedAt?.toISOString() ?? null,
    })),
  };
}
