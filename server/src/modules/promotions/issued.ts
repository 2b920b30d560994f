/**
 * Coupons issued to a member's account (クーポン): one single-use code per member per reason — a
 * campaign's offer — written set-wise with the reason's other rows, listed in her app and at the till, and
 * usable only by her (service.ts checks the owner when the code goes on a cart and when it is redeemed).
 */
import { randomBytes } from 'node:crypto';
import { eq, sql, type SQL } from 'drizzle-orm';
import { query, type Executor, type Tx } from '../../platform/db/connection.ts';
import { readOne, readPart, type ReadPart } from '../../platform/db/read-parts.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { coupons, promotions, type PromotionKind, type PromotionParams } from './schema.ts';
import './problems.ts';

/** No 0/O, 1/I/L, 5/S, 2/Z, 8/B: codes are read off paper receipts and typed on phones. 25 symbols. */
export const CODE_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY34679';
export const CODE_LENGTH = 12;

/**
 * `count` random codes of 12 symbols of a 25-letter alphabet (≈ 55 bits each), drawn without modulo bias
 * from one buffer of random bytes (100k codes are one call, not 100k).
 */
export function randomCodes(count: number, prefix = ''): string[] {
  const out: string[] = [];
  let code = '';
  while (out.length < count) {
    // 250 of 256 byte values are kept: ask for a little more than needed.
    for (const b of randomBytes(Math.ceil((count - out.length) * CODE_LENGTH * 1.05) + 16)) {
      if (b >= 250) continue;
      code += CODE_ALPHABET[b % 25];
      if (code.length === CODE_LENGTH) {
        out.push(prefix + code);
        code = '';
        if (out.length === count) break;
      }
    }
  }
  return out;
}

/**
 * May this coupon be an offer issued to members now? It must exist (404), be single-use and its promotion
 * switched on and not ended (409). With `atStores` (a store's campaign), its promotion must also be valid
 * only at tills of those stores (409, reason `not_at_store`): a store gives its own discount, never a
 * chain-wide or online one. `field` names the request field in the problem.
 */
export async function assertIssuable(
  db: Executor,
  couponId: string,
  field: string,
  now = new Date(),
  opts: { atStores?: readonly string[] } = {},
) {
  const fields = (message: string) => [{ field, message }];
  const [row] = await db
    .select({
      kind: coupons.kind,
      endsAt: coupons.endsAt,
      active: promotions.active,
      pEndsAt: promotions.endsAt,
      conditions: promotions.conditions,
    })
    .from(coupons)
    .innerJoin(promotions, eq(promotions.id, coupons.promotionId))
    .where(eq(coupons.id, couponId));
  if (!row) throw new DomainError('coupon.not_found', { couponId }, fields('not_found'));
  if (row.kind !== 'single_use')
    throw new DomainError('coupon.not_issuable', { couponId, reason: 'not_single_use' }, fields('not_single_use'));
  if (!row.active || (row.endsAt && row.endsAt <= now) || (row.pEndsAt && row.pEndsAt <= now))
    throw new DomainError('coupon.not_issuable', { couponId, reason: 'ended' }, fields('ended'));
  if (opts.atStores && !validOnlyAt(row.conditions.locationIds, opts.atStores))
    throw new DomainError('coupon.not_issuable', { couponId, reason: 'not_at_store' }, fields('not_at_store'));
}

/** A promotion limited to some stores' tills, each of them one of `stores` (an empty list is every store and online). */
const validOnlyAt = (locationIds: readonly string[] | undefined, stores: readonly string[]) =>
  !!locationIds?.length && locationIds.every((l) => stores.includes(l));

export interface IssuableCoupon {
  couponId: string;
  promotionId: string;
  promotionName: string;
  kind: PromotionKind;
  params: PromotionParams;
  /** The stores whose tills take it; empty: every store and online. */
  locationIds: string[];
}

/**
 * The coupons an offer may be made of now: single-use, promotion switched on, neither ended — with
 * `atStores`, only those valid at those stores' tills alone (the same rule as `assertIssuable`).
 */
export async function issuableCoupons(
  db: Executor,
  opts: { atStores?: readonly string[]; now?: Date } = {},
): Promise<IssuableCoupon[]> {
  const now = opts.now ?? new Date();
  const rows = await db
    .select({
      couponId: coupons.id,
      promotionId: promotions.id,
      promotionName: promotions.name,
      kind: promotions.kind,
      params: promotions.params,
      conditions: promotions.conditions,
    })
    .from(coupons)
    .innerJoin(promotions, eq(promotions.id, coupons.promotionId))
    .where(
      sql`${coupons.kind} = 'single_use' AND ${promotions.active}
          AND (${coupons.endsAt} IS NULL OR ${coupons.endsAt} > ${now})
          AND (${promotions.endsAt} IS NULL OR ${promotions.endsAt} > ${now})`,
    )
    .orderBy(promotions.name, coupons.id);
  return rows
    .filter((r) => !opts.atStores || validOnlyAt(r.conditions.locationIds, opts.atStores))
    .map(({ conditions, ...r }) => ({ ...r, locationIds: conditions.locationIds ?? [] }));
}

/**
 * Issue one code of `couponId` to each member `members` yields (a query of `customer_id`) who has none
 * for `issuedFor` yet, inside the caller's transaction: one count, then one INSERT … SELECT joining the
 * members to a array of fresh codes — no round trip per member. A retry or a racing issue adds nothing
 * (the unique index on (issued_for, customer_id) decides; the second waits for the first and skips).
 * A code that collides with an existing one (≈ 2⁻⁵⁵) is drawn again. Returns how many were issued now.
 */
export async function issueCoupons(
  tx: Tx,
  input: { couponId: string; issuedFor: string; members: SQL },
): Promise<number> {
  const batchId = newId('bat');
  const waiting = sql`SELECT m.customer_id FROM (${input.members}) m
     WHERE NOT EXISTS (SELECT 1 FROM coupon_codes c WHERE c.issued_for = ${input.issuedFor} AND c.customer_id = m.customer_id)`;
  let issued = 0;
  for (let round = 0; round < 5; round++) {
    const [n] = await query<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM (${waiting}) w`);
    if (!n?.n) return issued;
    const codes = randomCodes(n.n);
    const [made] = await query<{ n: number }>(
      tx,
      sql`WITH w AS (SELECT customer_id, row_number() OVER (ORDER BY customer_id) AS i FROM (${waiting}) w),
               c AS (SELECT code, i FROM unnest(${sql.param(codes)}::text[]) WITH ORDINALITY AS c(code, i)),
               ins AS (
                 INSERT INTO coupon_codes (code, coupon_id, batch_id, customer_id, issued_for)
                 SELECT c.code, ${input.couponId}, ${batchId}, w.customer_id, ${input.issuedFor}
                   FROM w JOIN c USING (i)
                 ON CONFLICT DO NOTHING RETURNING 1)
          SELECT count(*)::int AS n FROM ins`,
    );
    issued += made?.n ?? 0;
  }
  throw new DomainError('platform.conflict');
}

export interface IssuedCoupon {
  code: string;
  couponId: string;
  promotionId: string;
  name: string;
  description: string;
  kind: PromotionKind;
  params: PromotionParams;
  /** Tax-included spend on the promotion's lines the coupon needs (0: none). */
  minSpend: number;
  channels: string[];
  issuedAt: string;
  startsAt: string | null;
  /** The earlier of the coupon's and the promotion's end (exclusive); null: no end. */
  expiresAt: string | null;
}

/**
 * Her issued coupons that she can still use: not redeemed, the promotion switched on, not ended — soonest
 * to expire first. For her app's coupon list and member card, and for the till when she is scanned.
 */
export async function issuedCouponsOf(db: Executor, customerId: string, now = new Date()): Promise<IssuedCoupon[]> {
  return readOne(db, issuedCouponsPart(customerId, now));
}

/** issuedCouponsOf as a part of a larger read (platform/db/read-parts.ts). */
export function issuedCouponsPart(customerId: string, now = new Date()): ReadPart<IssuedCoupon[]> {
  return readPart<
    {
      code: string;
      coupon_id: string;
      promotion_id: string;
      name: string;
      description: string;
      kind: PromotionKind;
      params: PromotionParams;
      conditions: { minSpend?: number; channels?: string[] };
      issued_at: string;
      starts_at: string | null;
      expires_at: string | null;
    },
    IssuedCoupon[]
  >(
    sql`SELECT cc.code, cc.coupon_id, p.id AS promotion_id, p.name, p.description, p.kind, p.params, p.conditions,
               cc.created_at AS issued_at, greatest(c.starts_at, p.starts_at) AS starts_at,
               least(c.ends_at, p.ends_at) AS expires_at
          FROM coupon_codes cc
          JOIN coupons c ON c.id = cc.coupon_id
          JOIN promotions p ON p.id = c.promotion_id
         WHERE cc.customer_id = ${customerId} AND cc.redeemed_at IS NULL AND p.active
           AND (c.ends_at IS NULL OR c.ends_at > ${now}) AND (p.ends_at IS NULL OR p.ends_at > ${now})
         ORDER BY least(c.ends_at, p.ends_at) NULLS LAST, cc.created_at, cc.code
         LIMIT 100`,
    (rows) => {
      const iso = (t: string | null) => (t === null ? null : new Date(t).toISOString());
      return rows.map((r) => ({
        code: r.code,
        couponId: r.coupon_id,
        promotionId: r.promotion_id,
        name: r.name,
        description: r.description,
        kind: r.kind,
        params: r.params,
        minSpend: r.conditions.minSpend ?? 0,
        channels: r.conditions.channels ?? [],
        issuedAt: iso(r.issued_at)!,
        startsAt: iso(r.starts_at),
        expiresAt: iso(r.expires_at),
      }));
    },
  );
}
