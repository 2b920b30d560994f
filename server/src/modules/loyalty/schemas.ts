import { cursorParam } from '../../platform/http/schemas.ts';
import { z } from 'zod';
import { eventChannels } from '../events/service.ts';
import { tiers } from '../customers/service.ts';
import { pointKinds, topUpStatuses, walletKinds } from './schema.ts';
import { topUpMethods } from './wallet.ts';

/** Request and response shapes of the loyalty and wallet routes: validation, types and OpenAPI in one. */

type Issue = (message: string, path: string) => void;
const issuer =
  (ctx: z.RefinementCtx): Issue =>
  (message, path) =>
    ctx.addIssue({ code: 'custom', message, path: [path] });
/** A field this kind does not use is a client bug worth saying out loud, not something to ignore. */
const notForKind = (ctx: z.RefinementCtx, field: string) =>
  ctx.addIssue({ code: 'unrecognized_keys', keys: [field], path: [field], input: undefined } as never);
/** A field this kind needs: Zod's own "expected number, received undefined" in the caller's language. */
const required = (ctx: z.RefinementCtx, field: string, expected: 'number' | 'string') =>
  ctx.addIssue({ code: 'invalid_type', expected, path: [field], input: undefined } as never);

const reference = z.string().trim().min(1).max(200);
const id = z.string().min(1).max(64);

export const pointsTransactionBody = z
  .object({
    customerId: id,
    kind: z.enum(['earn', 'redeem', 'reverse', 'adjust']),
    points: z.number().int().min(-10_000_000).max(10_000_000).optional(),
    spend: z.number().int().min(0).max(1_000_000_000).optional(),
    reference,
    reason: z.string().trim().max(500).optional(),
    channel: z.enum(eventChannels).default('store'),
    locationId: id.optional(),
    reverses: z.enum(['earn', 'redeem']).optional(),
    returnReference: reference.optional(),
    /** redeem: proof she is at the till (POST /api/member-presence), for the store in `locationId`. */
    presenceToken: z.string().min(1).max(1000).optional(),
  })
  .superRefine((b, ctx) => {
    const issue = issuer(ctx);
    if (b.kind !== 'reverse') {
      if (b.reverses !== undefined) notForKind(ctx, 'reverses');
      if (b.returnReference !== undefined) notForKind(ctx, 'returnReference');
    }
    if (b.kind === 'earn') {
      if (b.points === undefined && b.spend === undefined) required(ctx, 'spend', 'number');
      if (b.points !== undefined && b.points < 0) issue('positive_for_kind', 'points');
      // Explicit points create value without a sale behind them: a bonus is given with its reason.
      if (b.points !== undefined && !b.reason) issue('reason_required', 'reason');
    } else if (b.kind === 'redeem') {
      if (b.points === undefined) required(ctx, 'points', 'number');
      else if (b.points < 1) issue('positive_for_kind', 'points');
      if (b.spend !== undefined) notForKind(ctx, 'spend');
    } else if (b.kind === 'reverse') {
      if (b.points !== undefined) notForKind(ctx, 'points');
      if (b.spend !== undefined && b.reverses === 'redeem') notForKind(ctx, 'spend');
      if (b.spend !== undefined && b.spend < 1) issue('positive_for_kind', 'spend');
      if (b.spend !== undefined && b.returnReference === undefined) required(ctx, 'returnReference', 'string');
      if (b.spend === undefined && b.returnReference !== undefined) required(ctx, 'spend', 'number');
    } else {
      if (b.points === undefined) required(ctx, 'points', 'number');
      else if (b.points === 0) issue('nonzero', 'points');
      if (!b.reason) issue('reason_required', 'reason');
      if (b.spend !== undefined) notForKind(ctx, 'spend');
    }
  });
export type PointsTransactionBody = z.infer<typeof pointsTransactionBody>;

export const walletTransactionBody = z
  .object({
    customerId: id,
    kind: z.enum(['top_up', 'pay', 'refund', 'adjust']),
    /** Yen, > 0; signed (nonzero) for adjust only. */
    amount: z.number().int().min(-10_000_000).max(10_000_000),
    reference,
    method: z.enum(topUpMethods).optional(),
    reason: z.string().trim().max(500).optional(),
    channel: z.enum(eventChannels).default('store'),
    locationId: id.optional(),
    refundReference: reference.optional(),
    /** pay: proof she is at the till (POST /api/member-presence), for the store in `locationId`. */
    presenceToken: z.string().min(1).max(1000).optional(),
  })
  .superRefine((b, ctx) => {
    const issue = issuer(ctx);
    if (b.kind === 'adjust') {
      if (b.amount === 0) issue('nonzero', 'amount');
      if (!b.reason) issue('reason_required', 'reason');
    } else if (b.amount < 1) issue('positive_for_kind', 'amount');
    if (b.kind === 'top_up' && !b.method) required(ctx, 'method', 'string');
    if (b.kind !== 'top_up' && b.method) notForKind(ctx, 'method');
    if (b.kind !== 'refund' && b.refundReference !== undefined) notForKind(ctx, 'refundReference');
  });
export type WalletTransactionBody = z.infer<typeof walletTransactionBody>;

const isoTime = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const campaignBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    multiplier: z.number().int().min(1).max(100),
    channel: z.enum(eventChannels).optional(),
    locationId: id.optional(),
    startsAt: isoTime,
    endsAt: isoTime,
  })
  .refine((c) => c.endsAt > c.startsAt, { message: 'endsAt must be after startsAt', path: ['endsAt'] });

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursorParam,
});

export const pointEntrySchema = z.object({
  id: z.string(),
  kind: z.enum(pointKinds),
  points: z.number(),
  reference: z.string(),
  reason: z.string().nullable(),
  spend: z.number().nullable(),
  channel: z.string().nullable(),
  locationId: z.string().nullable(),
  staffId: z.string().nullable(),
  reverses: z.string().nullable(),
  createdAt: z.string(),
});

export const pointsResultSchema = z.object({
  entry: pointEntrySchema,
  balance: z.number(),
  tier: z.enum(tiers),
  unrecovered: z.number().describe('Points a reversal could not take back because they were already spent'),
  forfeited: z.number().describe('Points a reversed redemption did not give back because their lot had expired'),
});

export const loyaltySummarySchema = z.object({
  balance: z.number(),
  tier: z.enum(tiers),
  tierSpend12m: z.number(),
  nextTier: z
    .object({
      tier: z.enum(tiers),
      spendNeeded: z.number(),
      threshold: z.number().describe('The 12-month spend at which the next tier starts'),
      from: z.number().describe('Where the current tier starts (a progress bar runs from here to threshold)'),
    })
    .nullable(),
  expiringSoon: z.array(z.object({ points: z.number(), expiresAt: z.string() })),
  lots: z
    .array(z.object({ points: z.number(), expiresAt: z.string() }))
    .describe('Every live points lot by the day (Asia/Tokyo) it lapses, soonest first'),
  history: z.array(pointEntrySchema),
  nextCursor: z.string().nullable(),
});

export const walletEntrySchema = z.object({
  id: z.string(),
  kind: z.enum(walletKinds),
  amount: z.number(),
  method: z.string().nullable(),
  reference: z.string(),
  reason: z.string().nullable(),
  channel: z.string().nullable(),
  locationId: z.string().nullable(),
  staffId: z.string().nullable(),
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
});

export const walletResultSchema = z.object({ entry: walletEntrySchema, balance: z.number() });

export const walletSummarySchema = z.object({
  balance: z.number(),
  expiringSoon: z.array(z.object({ amount: z.number(), expiresAt: z.string() })),
  history: z.array(walletEntrySchema),
  nextCursor: z.string().nullable(),
});

export const campaignSchema = z.object({
  id: z.string(),
  name: z.string(),
  multiplier: z.number(),
  channel: z.string().nullable(),
  locationId: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  createdAt: z.string(),
});

/** チャージ in cash at the till (POST /api/wallet/top-ups). */
export const cashTopUpBody = z.object({
  customerId: id,
  locationId: id,
  /** Yen put on the wallet; at most the rules' maxTopUp (default ¥50,000). */
  amount: z.number().int().min(1).max(10_000_000),
  /** The cash she handed over (お預かり), at least the amount; the change is the difference. */
  cashReceived: z.number().int().min(1).max(10_000_000),
  /** The till's own id for this top-up: a double-tap or a resend is one top-up. */
  clientTransactionId: z.string().trim().min(8).max(100),
});

export const topUpSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  method: z.enum(['cash', 'card']),
  amount: z.number(),
  status: z.enum(topUpStatuses),
  channel: z.string(),
  locationId: z.string().nullable(),
  cashReceived: z.number().nullable(),
  change: z.number().nullable(),
  cardLast4: z.string().nullable(),
  failure: z.string().nullable(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
});

export const topUpResultSchema = z.object({
  topUp: topUpSchema,
  balance: z.number().describe('The wallet balance after the top-up (now, for a replay)'),
  replayed: z.boolean().describe('The same transaction id or key again: the first top-up, nothing booked twice'),
});
