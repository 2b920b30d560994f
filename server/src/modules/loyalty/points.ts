import { and, eq, sql } from 'drizzle-orm';
import { query, type Executor, type Tx } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { prebuilt } from '../../platform/db/prepared.ts';
import { recordFact, type EventChannel } from '../events/service.ts';
import { loadCustomer, type Tier } from '../customers/service.ts';
import { pointEntries, type PointKind } from './schema.ts';
import { campaignMultiplier } from './campaigns.ts';
import { bookDebit, createLot, expireDueLots } from './lots.ts';
import { getRules, pointsForSpend } from './rules.ts';
import { recomputeTier } from './tiers.ts';
import './problems.ts';

/** Where and by whom a points change happens (the timeline and the ledger record it). */
export interface PointsContext {
  channel: EventChannel;
  locationId?: string | null | undefined;
  /** The staff member who did it, or null for the system (an order, the expiry job). */
  staffId?: string | null | undefined;
}

export type PointEntry = typeof pointEntries.$inferSelect;

export interface PointEntryView {
  id: string;
  kind: PointKind;
  points: number;
  reference: string;
  reason: string | null;
  spend: number | null;
  channel: string | null;
  locationId: string | null;
  staffId: string | null;
  reverses: string | null;
  createdAt: string;
}

export interface PointsResult {
  entry: PointEntryView;
  balance: number;
  tier: Tier;
  /** Points a reversal should have taken back but could not: the customer had already spent them. */
  unrecovered: number;
  /** Points a reversed redemption did not give back because their lot has expired meanwhile. */
  forfeited: number;
}

export const entryView = (e: PointEntry): PointEntryView => ({
  id: e.id,
  kind: e.kind,
  points: e.points,
  reference: e.reference,
  reason: e.reason,
  spend: e.spend,
  channel: e.channel,
  locationId: e.locationId,
  staffId: e.staffId,
  reverses: e.reverses,
  createdAt: e.createdAt.toISOString(),
});

/**
 * Lock the customer row for the rest of the transaction — the one lock that serialises every points
 * and wallet change of a person — then take one look at their points: the balance, whether a lot has
 * lapsed (then it is expired first, so nothing below can count or spend expired points), and whether
 * `claim`'s (kind, reference) is already booked (409; under the lock this cannot race). Merged or
 * deleted customers are refused (409 customer.not_active).
 */
export async function lockForPoints(tx: Tx, customerId: string, claim?: { kind: PointKind; reference: string }) {
  const customer = await loadCustomer(tx, customerId, { active: true, forUpdate: true });
  // After the lock, in a statement of its own: under READ COMMITTED it sees everything committed before.
  const [state] = await query<{ balance: number; due: boolean; existing: string | null }>(
    tx,
    sql`SELECT (SELECT coalesce(sum(points), 0)::bigint FROM point_entries WHERE customer_id = ${customer.id}) AS balance,
               EXISTS (SELECT 1 FROM point_lots WHERE customer_id = ${customer.id} AND remaining > 0 AND expires_at <= now()) AS due,
               (SELECT id FROM point_entries WHERE customer_id = ${customer.id} AND kind = ${claim?.kind ?? ''} AND reference = ${claim?.reference ?? ''}) AS existing`,
  );
  let balance = Number(state?.balance ?? 0);
  if (state?.due) balance -= await expireDueLots(tx, customer.id);
  if (claim && state?.existing)
    throw new DomainError('loyalty.duplicate_reference', { ...claim, entryId: state.existing });
  return { customer, balance };
}

export async function findEntry(
  db: Executor,
  customerId: string,
  kind: PointKind,
  reference: string,
): Promise<PointEntry | undefined> {
  const [row] = await db
    .select()
    .from(pointEntries)
    .where(
      and(eq(pointEntries.customerId, customerId), eq(pointEntries.kind, kind), eq(pointEntries.reference, reference)),
    );
  return row;
}

/** 409 when (customer, kind, reference) is taken; checked under the customer lock, so it cannot race. */
export async function assertNewReference(
  tx: Tx,
  customerId: string,
  kind: PointKind,
  reference: string,
): Promise<void> {
  const existing = await findEntry(tx, customerId, kind, reference);
  if (existing) throw new DomainError('loyalty.duplicate_reference', { kind, reference, entryId: existing.id });
}

export async function insertEntry(
  tx: Tx,
  values: Omit<typeof pointEntries.$inferInsert, 'id'> & { id?: string },
): Promise<PointEntry> {
  const [row] = await tx
    .insert(pointEntries)
    .values({ ...values, id: values.id ?? newId('pte') })
    .returning();
  return row!;
}

export interface EarnInput extends PointsContext {
  customerId: string;
  reference: string;
  /** Tax-included yen; the points follow from the rules when `points` is not given. Counts towards the tier. */
  spend?: number | null | undefined;
  /** Explicit points (e.g. a bonus), taken as they are: no rate, tier or campaign applied. */
  points?: number | null | undefined;
  reason?: string | null | undefined;
}

/**
 * Earn points: from a spend by the rules (rate, the customer's tier before this purchase, the best
 * running campaign), or explicit points. The points become a lot that expires after the configured
 * months; the tier is recomputed with the new spend.
 */
export async function earnPoints(tx: Tx, input: EarnInput): Promise<PointsResult> {
  const { customer, balance } = await lockForPoints(tx, input.customerId, { kind: 'earn', reference: input.reference });
  const rules = await getRules(tx);
  let points = input.points ?? null;
  let campaignId: string | null = null;
  if (points === null) {
    const campaign = await campaignMultiplier(tx, input);
    campaignId = campaign.campaignId;
    points = pointsForSpend(input.spend ?? 0, rules, customer.tier, campaign.multiplier);
  }
  const entry = await insertEntry(tx, {
    customerId: customer.id,
    kind: 'earn',
    points,
    reference: input.reference,
    reason: input.reason ?? null,
    spend: input.spend ?? null,
    channel: input.channel,
    locationId: input.locationId ?? null,
    staffId: input.staffId ?? null,
  });
  const expiresAt = points > 0 ? await createLot(tx, entry, rules.points.expiryMonths) : null;
  const { tier } = await recomputeTier(tx, customer, rules, { ...input, source: input.staffId ?? 'loyalty' });
  await recordFact(tx, {
    type: 'points_earned',
    customerId: customer.id,
    channel: input.channel,
    locationId: input.locationId,
    source: input.staffId ?? 'loyalty',
    payload: {
      entryId: entry.id,
      points,
      spend: input.spend ?? null,
      reference: input.reference,
      expiresAt: expiresAt?.toISOString() ?? null,
      campaignId,
    },
  });
  return { entry: entryView(entry), balance: balance + points, tier, unrecovered: 0, forfeited: 0 };
}

/** 409 loyalty.insufficient_points naming the balance, unless the customer holds `points`. */
function assertCovers(balance: number, points: number): void {
  if (balance < points) throw new DomainError('loyalty.insufficient_points', { balance, requested: points });
}

export interface RedeemInput extends PointsContext {
  customerId: string;
  points: number;
  reference: string;
  reason?: string | null | undefined;
}

/** The customer row locked for a points change: what a redemption needs of it (loadCustomer's checks). */
const lockCustomer = prebuilt<{ id: string; status: string; mergedInto: string | null; tier: Tier }>(
  sql`SELECT id, status, merged_into AS "mergedInto", tier FROM customers WHERE id = ${sql.placeholder('id')} FOR UPDATE`,
);

/**
 * A redemption in one statement, after the customer lock: lockForPoints' look (balance, a lapsed lot, the
 * reference taken), and — only when none of those stands in the way — bookDebit's entry, lots and
 * allocations, and the timeline fact. When something stands in the way nothing is written and the
 * caller takes the long way (expire first, or refuse), with the figures this read.
 */
const redeemInOne = prebuilt<{
  balance: string;
  due: boolean;
  existing: string | null;
  id: string | null;
  createdAt: string | null;
  taken: number;
}>(
  sql`WITH st AS (
        SELECT (SELECT coalesce(sum(points), 0)::bigint FROM point_entries WHERE customer_id = ${sql.placeholder('customerId')}) AS balance,
               EXISTS (SELECT 1 FROM point_lots WHERE customer_id = ${sql.placeholder('customerId')} AND remaining > 0 AND expires_at <= now()) AS due,
               (SELECT id FROM point_entries WHERE customer_id = ${sql.placeholder('customerId')} AND kind = 'redeem' AND reference = ${sql.placeholder('reference')}) AS existing),
      go AS (SELECT 1 FROM st WHERE NOT st.due AND st.existing IS NULL AND st.balance >= ${sql.placeholder('points')}::int),
      ent AS (
        INSERT INTO point_entries (id, customer_id, kind, points, reference, reason, spend, channel, location_id, staff_id, reverses)
        SELECT ${sql.placeholder('id')}, ${sql.placeholder('customerId')}, 'redeem', -${sql.placeholder('points')}::int, ${sql.placeholder('reference')},
               ${sql.placeholder('reason')}::text, NULL, ${sql.placeholder('channel')}::text, ${sql.placeholder('locationId')}::text,
               ${sql.placeholder('staffId')}::text, NULL
          FROM go
        RETURNING id, created_at),
      live AS (
        SELECT id, remaining, sum(remaining) OVER (ORDER BY expires_at, earned_at, id) - remaining AS before
          FROM point_lots
         WHERE customer_id = ${sql.placeholder('customerId')} AND remaining > 0 AND expires_at > now() AND EXISTS (SELECT 1 FROM go)),
      take AS (SELECT id, LEAST(remaining, ${sql.placeholder('points')}::int - before)::int AS n FROM live WHERE before < ${sql.placeholder('points')}::int),
      upd AS (
        UPDATE point_lots l SET remaining = l.remaining - t.n FROM take t
         WHERE l.id = t.id AND l.remaining >= t.n
        RETURNING l.id, t.n),
      alloc AS (INSERT INTO point_allocations (entry_id, lot_id, points) SELECT ${sql.placeholder('id')}::text, id, n FROM upd RETURNING 1),
      fact AS (
        INSERT INTO customer_events (id, type, occurred_at, channel, customer_id, location_id, source, payload)
        SELECT ${sql.placeholder('factId')}, 'points_redeemed', ${sql.placeholder('occurredAt')}::timestamptz, ${sql.placeholder('channel')}::text,
               ${sql.placeholder('customerId')}, ${sql.placeholder('locationId')}::text, ${sql.placeholder('source')}::text, ${sql.placeholder('payload')}::jsonb
          FROM ent RETURNING 1)
      SELECT st.balance, st.due, st.existing, ent.id, ent.created_at AS "createdAt",
             (SELECT coalesce(sum(n), 0) FROM upd)::int AS taken, (SELECT count(*) FROM alloc) AS allocations,
             (SELECT count(*) FROM fact) AS facts
        FROM st LEFT JOIN ent ON true`,
);

/** Spend points (1 point = ¥1 off, decided by the caller): never below zero, oldest lots first. */
export async function redeemPoints(tx: Tx, input: RedeemInput): Promise<PointsResult> {
  // loadCustomer(…, { active: true, forUpdate: true }), built once.
  const [customer] = await lockCustomer(tx, { id: input.customerId });
  if (!customer) throw new DomainError('customer.not_found', { customerId: input.customerId });
  if (customer.status !== 'active')
    throw new DomainError('customer.not_active', {
      customerId: input.customerId,
      customerStatus: customer.status,
      mergedInto: customer.mergedInto,
    });
  const entryId = newId('pte');
  const reason = input.reason ?? null;
  const channel = input.channel;
  const locationId = input.locationId ?? null;
  const staffId = input.staffId ?? null;
  const [state] = await redeemInOne(tx, {
    customerId: customer.id,
    reference: input.reference,
    points: input.points,
    id: entryId,
    reason,
    channel,
    locationId,
    staffId,
    factId: newId('evt'),
    occurredAt: new Date().toISOString(),
    source: staffId ?? 'loyalty',
    payload: JSON.stringify({ entryId, points: input.points, reference: input.reference }),
  });
  let balance = Number(state!.balance);
  let entry: PointEntry;
  if (state!.id) {
    if (Number(state!.taken) !== input.points)
      throw new Error(
        `point lots of ${customer.id} hold ${state!.taken} of ${input.points} points the ledger promised`,
      );
    entry = {
      id: entryId,
      customerId: customer.id,
      kind: 'redeem',
      points: -input.points,
      reference: input.reference,
      reason,
      spend: null,
      channel,
      locationId,
      staffId,
      reverses: null,
      createdAt: new Date(state!.createdAt!),
    };
  } else {
    // The long way, as lockForPoints and bookDebit go: lapsed lots expire first, a taken reference or a
    // short balance is refused.
    if (state!.due) balance -= await expireDueLots(tx, customer.id);
    if (state!.existing)
      throw new DomainError('loyalty.duplicate_reference', {
        kind: 'redeem',
        reference: input.reference,
        entryId: state!.existing,
      });
    assertCovers(balance, input.points);
    entry = await bookDebit(
      tx,
      { customerId: customer.id, kind: 'redeem', reference: input.reference, reason, channel, locationId, staffId },
      input.points,
    );
    await recordFact(tx, {
      type: 'points_redeemed',
      customerId: customer.id,
      channel: input.channel,
      locationId: input.locationId,
      source: input.staffId ?? 'loyalty',
      payload: { entryId: entry.id, points: input.points, reference: input.reference },
    });
  }
  return {
    entry: entryView(entry),
    balance: balance - input.points,
    tier: customer.tier,
    unrecovered: 0,
    forfeited: 0,
  };
}

export interface AdjustInput extends PointsContext {
  customerId: string;
  /** Signed: a goodwill credit (> 0, a new lot) or a correction (< 0, oldest lots first). */
  points: number;
  reference: string;
  reason: string;
}

/** A staff correction with a reason. Authorisation (store manager and up) is the caller's. */
export async function adjustPoints(tx: Tx, input: AdjustInput): Promise<PointsResult> {
  const { customer, balance } = await lockForPoints(tx, input.customerId, {
    kind: 'adjust',
    reference: input.reference,
  });
  if (input.points < 0) assertCovers(balance, -input.points);
  const entry = {
    customerId: customer.id,
    kind: 'adjust' as const,
    reference: input.reference,
    reason: input.reason,
    channel: input.channel,
    locationId: input.locationId ?? null,
    staffId: input.staffId ?? null,
  };
  let booked: PointEntry;
  if (input.points > 0) {
    booked = await insertEntry(tx, { ...entry, points: input.points });
    await createLot(tx, booked, (await getRules(tx)).points.expiryMonths);
  } else {
    booked = await bookDebit(tx, entry, -input.points);
  }
  await recordFact(tx, {
    type: 'points_adjusted',
    customerId: customer.id,
    channel: input.channel,
    locationId: input.locationId,
    source: input.staffId ?? 'loyalty',
    payload: { entryId: booked.id, points: input.points, reference: input.reference, reason: input.reason },
  });
  return {
    entry: entryView(booked),
    balance: balance + input.points,
    tier: customer.tier,
    unrecovered: 0,
    forfeited: 0,
  };
}
