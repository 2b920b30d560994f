import { and, eq, sql } from 'drizzle-orm';
import { query, type Executor, type Tx } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
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

/** Spend points (1 point = ¥1 off, decided by the caller): never below zero, oldest lots first. */
export async function redeemPoints(tx: Tx, input: RedeemInput): Promise<PointsResult> {
  const { customer, balance } = await lockForPoints(tx, input.customerId, {
    kind: 'redeem',
    reference: input.reference,
  });
  assertCovers(balance, input.points);
  const entry = await bookDebit(
    tx,
    {
      customerId: customer.id,
      kind: 'redeem',
      reference: input.reference,
      reason: input.reason ?? null,
      channel: input.channel,
      locationId: input.locationId ?? null,
      staffId: input.staffId ?? null,
    },
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
