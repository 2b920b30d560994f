import { and, eq, sql } from 'drizzle-orm';
import { query, type Executor, type Tx } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { type EventChannel, recordFact } from '../events/service.ts';
import { loadCustomer } from '../customers/service.ts';
import { walletEntries, type WalletKind } from './schema.ts';
import { getRules, type LoyaltyRules } from './rules.ts';
import { dueTopUps, expireDueTopUps } from './wallet-expiry.ts';
import './problems.ts';

/** The stored-value wallet (アプリ払い): integer yen, an append-only ledger, the balance its sum. */

export const topUpMethods = ['cash', 'card', 'bank', 'points', 'other'] as const;
export type TopUpMethod = (typeof topUpMethods)[number];

export interface WalletContext {
  channel: EventChannel;
  locationId?: string | null | undefined;
  staffId?: string | null | undefined;
}

type WalletEntry = typeof walletEntries.$inferSelect;

export interface WalletEntryView {
  id: string;
  kind: WalletKind;
  amount: number;
  method: string | null;
  reference: string;
  reason: string | null;
  channel: string | null;
  locationId: string | null;
  staffId: string | null;
  expiresAt: string | null;
  createdAt: string;
}

export interface WalletResult {
  entry: WalletEntryView;
  balance: number;
}

export const walletEntryView = (e: WalletEntry): WalletEntryView => ({
  id: e.id,
  kind: e.kind,
  amount: e.amount,
  method: e.method,
  reference: e.reference,
  reason: e.reason,
  channel: e.channel,
  locationId: e.locationId,
  staffId: e.staffId,
  expiresAt: e.expiresAt?.toISOString() ?? null,
  createdAt: e.createdAt.toISOString(),
});

export async function walletBalance(db: Executor, customerId: string): Promise<number> {
  const [row] = await query<{ balance: number }>(
    db,
    sql`SELECT coalesce(sum(amount), 0)::bigint AS balance FROM wallet_entries WHERE customer_id = ${customerId}`,
  );
  return Number(row?.balance ?? 0);
}

/**
 * The customer lock (shared with points: one person's money and points change one at a time), then
 * one look at the wallet: the balance, card top-ups still in flight (`held`, they count against the cap),
 * whether a top-up has lapsed (expired first, lazily), and whether `claim`'s (kind, reference) is already
 * booked (409).
 */
export async function lockForWallet(tx: Tx, customerId: string, claim: { kind: WalletKind; reference: string } | null) {
  const customer = await loadCustomer(tx, customerId, { active: true, forUpdate: true });
  const [state] = await query<{ balance: number; held: number; due: boolean; existing: string | null }>(
    tx,
    sql`SELECT (SELECT coalesce(sum(amount), 0)::bigint FROM wallet_entries WHERE customer_id = ${customer.id}) AS balance,
               (SELECT coalesce(sum(amount), 0)::bigint FROM wallet_top_ups WHERE customer_id = ${customer.id} AND status = 'pending') AS held,
               EXISTS (${dueTopUps(customer.id)}) AS due,
               ${claim ? sql`(SELECT id FROM wallet_entries WHERE customer_id = ${customer.id} AND kind = ${claim.kind} AND reference = ${claim.reference})` : sql`NULL::text`} AS existing`,
  );
  if (claim && state?.existing)
    throw new DomainError('wallet.duplicate_reference', { ...claim, entryId: state.existing });
  const expired = state?.due ? await expireDueTopUps(tx, customer.id) : 0;
  return { customer, balance: Number(state?.balance ?? 0) - expired, held: Number(state?.held ?? 0) };
}

async function findWalletEntry(
  db: Executor,
  customerId: string,
  kind: WalletKind,
  reference: string,
): Promise<WalletEntry | undefined> {
  const [row] = await db
    .select()
    .from(walletEntries)
    .where(
      and(
        eq(walletEntries.customerId, customerId),
        eq(walletEntries.kind, kind),
        eq(walletEntries.reference, reference),
      ),
    );
  return row;
}

async function insertWalletEntry(tx: Tx, values: Omit<typeof walletEntries.$inferInsert, 'id'>): Promise<WalletEntry> {
  const [row] = await tx
    .insert(walletEntries)
    .values({ id: newId('wle'), ...values })
    .returning();
  return row!;
}

const context = (input: WalletContext) => ({
  channel: input.channel,
  locationId: input.locationId ?? null,
  staffId: input.staffId ?? null,
});

async function fact(
  tx: Tx,
  type: string,
  entry: WalletEntry,
  input: WalletContext,
  extra: Record<string, unknown> = {},
) {
  await recordFact(tx, {
    type,
    customerId: entry.customerId,
    channel: input.channel,
    locationId: input.locationId,
    source: input.staffId ?? 'loyalty',
    payload: { entryId: entry.id, amount: Math.abs(entry.amount), reference: entry.reference, ...extra },
  });
}

export interface TopUpInput extends WalletContext {
  customerId: string;
  amount: number;
  method: TopUpMethod;
  reference: string;
}

/**
 * The top-up limits (rules.wallet): at most `maxTopUp` at once, and the balance with every card top-up
 * still in flight (`held`) at most `maxBalance` — checked under the customer lock, so concurrent top-ups
 * that each fit alone never pass the cap together.
 */
export function assertTopUpFits(rules: LoyaltyRules, state: { balance: number; held: number }, amount: number): void {
  if (amount > rules.wallet.maxTopUp)
    throw new DomainError('wallet.top_up_limit', { limit: rules.wallet.maxTopUp, requested: amount });
  const balance = state.balance + state.held;
  if (balance + amount > rules.wallet.maxBalance)
    throw new DomainError('wallet.balance_limit', { balance, limit: rules.wallet.maxBalance, requested: amount });
}

/** Put money on the wallet (チャージ), within the top-up limits; expiry per the rules (default none). */
export async function topUpWallet(tx: Tx, input: TopUpInput): Promise<WalletResult> {
  const state = await lockForWallet(tx, input.customerId, { kind: 'top_up', reference: input.reference });
  const rules = await getRules(tx);
  assertTopUpFits(rules, state, input.amount);
  return creditTopUp(tx, rules, state, input);
}

/**
 * The top-up's entry and its fact, once the caller holds the lock (`lockForWallet`) and has checked the
 * limits — or reserved the room beforehand, as a card top-up's pending row does.
 */
export async function creditTopUp(
  tx: Tx,
  rules: LoyaltyRules,
  state: { customer: { id: string }; balance: number },
  input: TopUpInput,
): Promise<WalletResult> {
  const months = rules.wallet.topUpExpiryMonths;
  const [lapse] =
    months === null
      ? []
      : await query<{ at: Date }>(
          tx,
          sql`SELECT (now() AT TIME ZONE 'UTC' + make_interval(months => ${months})) AT TIME ZONE 'UTC' AS at`,
        );
  const entry = await insertWalletEntry(tx, {
    customerId: state.customer.id,
    kind: 'top_up',
    amount: input.amount,
    method: input.method,
    reference: input.reference,
    ...context(input),
    expiresAt: lapse ? new Date(lapse.at) : null,
  });
  await fact(tx, 'wallet_topped_up', entry, input, { method: input.method });
  return { entry: walletEntryView(entry), balance: state.balance + input.amount };
}

export interface PayInput extends WalletContext {
  customerId: string;
  amount: number;
  reference: string;
}

/** Pay from the wallet (アプリ払い): never below zero, whatever the concurrency. */
export async function payFromWallet(tx: Tx, input: PayInput): Promise<WalletResult> {
  const { customer, balance } = await lockForWallet(tx, input.customerId, { kind: 'pay', reference: input.reference });
  if (balance < input.amount)
    throw new DomainError('wallet.insufficient_balance', { balance, requested: input.amount });
  const entry = await insertWalletEntry(tx, {
    customerId: customer.id,
    kind: 'pay',
    amount: -input.amount,
    reference: input.reference,
    ...context(input),
  });
  await fact(tx, 'wallet_paid', entry, input);
  return { entry: walletEntryView(entry), balance: balance - input.amount };
}

export interface RefundInput extends WalletContext {
  customerId: string;
  amount: number;
  /** The reference of the payment being refunded. */
  reference: string;
  /** Names one of several partial refunds of the same payment (default: the payment's reference). */
  refundReference?: string | null | undefined;
}

/** Give back (part of) an earlier wallet payment, never more than was paid in all. */
export async function refundToWallet(tx: Tx, input: RefundInput): Promise<WalletResult> {
  const reference = input.refundReference ?? input.reference;
  const { customer, balance } = await lockForWallet(tx, input.customerId, { kind: 'refund', reference });
  const payment = await findWalletEntry(tx, customer.id, 'pay', input.reference);
  if (!payment) throw new DomainError('wallet.payment_not_found', { reference: input.reference });
  const [prior] = await query<{ refunded: number }>(
    tx,
    sql`SELECT coalesce(sum(amount), 0)::int AS refunded FROM wallet_entries
         WHERE customer_id = ${customer.id} AND kind = 'refund' AND details->>'payEntryId' = ${payment.id}`,
  );
  const paid = -payment.amount;
  const refunded = Number(prior?.refunded ?? 0);
  if (refunded + input.amount > paid)
    throw new DomainError('wallet.refund_exceeds_payment', {
      reference: input.reference,
      paid,
      refunded,
      requested: input.amount,
    });
  const entry = await insertWalletEntry(tx, {
    customerId: customer.id,
    kind: 'refund',
    amount: input.amount,
    reference,
    ...context(input),
    details: { payEntryId: payment.id, payReference: payment.reference },
  });
  await fact(tx, 'wallet_refunded', entry, input, { payReference: payment.reference });
  return { entry: walletEntryView(entry), balance: balance + input.amount };
}

export interface WalletAdjustInput extends WalletContext {
  customerId: string;
  /** Signed yen: a correction in either direction, never taking the balance below zero. */
  amount: number;
  reference: string;
  reason: string;
}

/** A staff correction with a reason (authorisation — store manager and up — is the caller's). */
export async function adjustWallet(tx: Tx, input: WalletAdjustInput): Promise<WalletResult> {
  const { customer, balance } = await lockForWallet(tx, input.customerId, {
    kind: 'adjust',
    reference: input.reference,
  });
  if (balance + input.amount < 0)
    throw new DomainError('wallet.insufficient_balance', { balance, requested: -input.amount });
  const entry = await insertWalletEntry(tx, {
    customerId: customer.id,
    kind: 'adjust',
    amount: input.amount,
    reference: input.reference,
    reason: input.reason,
    ...context(input),
  });
  return { entry: walletEntryView(entry), balance: balance + input.amount };
}
