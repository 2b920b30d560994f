import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { recordFact } from '../events/service.ts';
import type { Tier } from '../customers/service.ts';
import { pointEntries, pointLots } from './schema.ts';
import { bookDebit, restoreAllocations } from './lots.ts';
import { getRules } from './rules.ts';
import { recomputeTier } from './tiers.ts';
import {
  assertNewReference,
  entryView,
  findEntry,
  insertEntry,
  lockForPoints,
  type PointEntry,
  type PointsContext,
  type PointsResult,
} from './points.ts';

export interface ReverseInput extends PointsContext {
  customerId: string;
  /** The reference of the entry to undo (e.g. the order id). */
  reference: string;
  /** Which entry with that reference: the points an order earned, or the points it spent. */
  reverses: 'earn' | 'redeem';
  /** Partial return: the tax-included yen returned. Omitted = everything not yet reversed. Earns only. */
  spend?: number | null | undefined;
  /** Names one partial return (e.g. the return id), so several returns of one order each count once. */
  returnReference?: string | null | undefined;
  reason?: string | null | undefined;
}

/**
 * Undo an earn (a return: the points come back out, and its spend leaves the tier) or a redemption
 * (a cancelled order: the points go back to the lots they came from). Each reversal is a `reverse`
 * entry whose reference is `earn:<ref>` or `redeem:<ref>` (`earn:<ref>:<returnReference>` for a partial
 * return), so the same undo can never be booked twice.
 */
export async function reversePoints(tx: Tx, input: ReverseInput): Promise<PointsResult> {
  const { customer, balance } = await lockForPoints(tx, input.customerId);
  const original = await findEntry(tx, customer.id, input.reverses, input.reference);
  if (!original) throw new DomainError('loyalty.entry_not_found', { kind: input.reverses, reference: input.reference });
  const result =
    input.reverses === 'earn'
      ? await reverseEarn(tx, customer, balance, original, input)
      : await reverseRedeem(tx, customer, balance, original, input);
  await recordFact(tx, {
    type: 'points_reversed',
    customerId: customer.id,
    channel: input.channel,
    locationId: input.locationId,
    source: input.staffId ?? 'loyalty',
    payload: {
      entryId: result.entry.id,
      reverses: input.reverses,
      reference: input.reference,
      points: result.entry.points,
      spend: result.entry.spend,
      unrecovered: result.unrecovered,
      forfeited: result.forfeited,
    },
  });
  return result;
}

type Customer = { id: string; tier: Tier };

const alreadyReversed = (original: PointEntry) =>
  new DomainError('loyalty.already_reversed', { kind: original.kind, reference: original.reference });

/**
 * The points to take back for a return of `spend` after `before` yen were already returned: the
 * difference of the cumulative shares, each rounded down, so that returning everything in any number
 * of steps takes back exactly what was earned.
 */
export function pointsForReturn(earned: number, purchase: number, before: number, spend: number): number {
  return Math.floor((earned * (before + spend)) / purchase) - Math.floor((earned * before) / purchase);
}

async function reverseEarn(
  tx: Tx,
  customer: Customer,
  balance: number,
  original: PointEntry,
  input: ReverseInput,
): Promise<PointsResult> {
  const fullReference = `earn:${original.reference}`;
  const previous = await tx
    .select({ reference: pointEntries.reference, spend: pointEntries.spend })
    .from(pointEntries)
    .where(
      and(
        eq(pointEntries.customerId, customer.id),
        eq(pointEntries.kind, 'reverse'),
        eq(pointEntries.reverses, original.id),
      ),
    );
  if (previous.some((p) => p.reference === fullReference)) throw alreadyReversed(original);
  const partial = input.spend !== undefined && input.spend !== null;
  const purchase = original.spend ?? 0;
  // An earn of explicit points without a purchase behind it can only be reversed whole.
  if (partial && purchase <= 0)
    throw new DomainError('platform.validation', {}, [{ field: 'spend', message: 'invalid_format' }]);
  const returnedBefore = -previous.reduce((s, p) => s + (p.spend ?? 0), 0);
  const remainingSpend = purchase - returnedBefore;
  let spend: number | null = null;
  let intended = original.points;
  if (purchase > 0) {
    spend = partial ? input.spend! : remainingSpend;
    if (spend > remainingSpend || spend <= 0) {
      if (!partial) throw alreadyReversed(original);
      throw new DomainError('loyalty.return_exceeds_spend', {
        reference: original.reference,
        remainingSpend,
        requestedSpend: spend,
      });
    }
    intended = pointsForReturn(original.points, purchase, returnedBefore, spend);
  } else if (previous.length) {
    throw alreadyReversed(original);
  }
  const reference = partial ? `${fullReference}:${input.returnReference}` : fullReference;
  await assertNewReference(tx, customer.id, 'reverse', reference);

  // Take back what is still there; what the customer already spent is reported, never made negative.
  const taken = Math.min(intended, balance);
  const [lot] = await tx.select({ id: pointLots.id }).from(pointLots).where(eq(pointLots.entryId, original.id));
  const entry = await bookDebit(
    tx,
    {
      customerId: customer.id,
      kind: 'reverse',
      reference,
      reason: input.reason ?? null,
      spend: spend === null ? null : -spend,
      channel: input.channel,
      locationId: input.locationId ?? null,
      staffId: input.staffId ?? null,
      reverses: original.id,
    },
    taken,
    lot?.id ?? null,
  );
  const { tier } = await recomputeTier(tx, customer, await getRules(tx), {
    ...input,
    source: input.staffId ?? 'loyalty',
  });
  return { entry: entryView(entry), balance: balance - taken, tier, unrecovered: intended - taken, forfeited: 0 };
}

async function reverseRedeem(
  tx: Tx,
  customer: Customer,
  balance: number,
  original: PointEntry,
  input: ReverseInput,
): Promise<PointsResult> {
  const reference = `redeem:${original.reference}`;
  if (await findEntry(tx, customer.id, 'reverse', reference)) throw alreadyReversed(original);
  const id = newId('pte');
  const { restored, forfeited } = await restoreAllocations(tx, original.id, id);
  const entry = await insertEntry(tx, {
    id,
    customerId: customer.id,
    kind: 'reverse',
    points: restored,
    reference,
    reason: input.reason ?? null,
    channel: input.channel,
    locationId: input.locationId ?? null,
    staffId: input.staffId ?? null,
    reverses: original.id,
  });
  return { entry: entryView(entry), balance: balance + restored, tier: customer.tier, unrecovered: 0, forfeited };
}
