import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { query, type Executor, type Tx } from '../../platform/db/connection.ts';
import { undoRefused, type MergeStep } from '../customers/service.ts';
import { pointEntries, pointLots, walletEntries, walletTopUps } from './schema.ts';

// A person's ledgers as identity (customers) needs them for a merge and a personal data export. customers
// ranks below loyalty, so the composition root hands these to it.

type LedgerTable = typeof pointEntries | typeof pointLots | typeof walletEntries | typeof walletTopUps;

async function moveAll(tx: Tx, table: LedgerTable, from: string, to: string): Promise<string[]> {
  const rows = await tx
    .update(table)
    .set({ customerId: to })
    .where(eq(table.customerId, from))
    .returning({ id: table.id });
  return rows.map((r) => r.id);
}

async function moveBack(tx: Tx, table: LedgerTable, ids: string[], from: string, to: string): Promise<void> {
  if (ids.length)
    await tx
      .update(table)
      .set({ customerId: to })
      .where(and(inArray(table.id, ids), eq(table.customerId, from)));
}

const ids = (value: unknown): string[] => (Array.isArray(value) ? (value as string[]) : []);

/**
 * Points and wallet follow a merge to the survivor; undo gives back exactly what moved, and is refused
 * when the survivor has since spent the moved points or wallet money (the survivor's ledger would go
 * below zero).
 */
export const ledgersMergeStep: MergeStep = {
  async move(tx, from, to) {
    return {
      pointEntries: await moveAll(tx, pointEntries, from, to),
      pointLots: await moveAll(tx, pointLots, from, to),
      walletEntries: await moveAll(tx, walletEntries, from, to),
      // Her top-ups go with their entries; one still pending is then credited to the survivor.
      walletTopUps: await moveAll(tx, walletTopUps, from, to),
    };
  },
  async moveBack(tx, moved, survivorId, restoredId, mergedAt) {
    const entries = ids(moved.pointEntries);
    const lots = ids(moved.pointLots);
    const wallet = ids(moved.walletEntries);
    if (lots.length) {
      const [spent] = await query<{ n: string }>(
        tx,
        sql`SELECT count(*) AS n FROM point_allocations a JOIN point_entries e ON e.id = a.entry_id
             WHERE a.lot_id IN ${lots} AND e.created_at >= ${mergedAt} AND NOT (e.id IN ${entries.length ? entries : ['']})`,
      );
      if (Number(spent?.n ?? 0) > 0)
        throw undoRefused(
          '統合後に移したポイントが使われています。',
          'Points that moved have been used since the merge.',
        );
    }
    await moveBack(tx, pointEntries, entries, survivorId, restoredId);
    await moveBack(tx, pointLots, lots, survivorId, restoredId);
    await moveBack(tx, walletEntries, wallet, survivorId, restoredId);
    await moveBack(tx, walletTopUps, ids(moved.walletTopUps), survivorId, restoredId);
    if (wallet.length) {
      const [left] = await query<{ balance: string }>(
        tx,
        sql`SELECT coalesce(sum(amount), 0) AS balance FROM wallet_entries WHERE customer_id = ${survivorId}`,
      );
      if (Number(left?.balance ?? 0) < 0)
        throw undoRefused(
          '統合後に移したウォレット残高が使われています。',
          'Wallet money that moved has been spent since the merge.',
        );
    }
  },
};

/** The points and wallet ledgers of a customer, for their personal data export (開示請求). */
export async function exportLedgers(db: Executor, customerId: string) {
  const points = await db
    .select()
    .from(pointEntries)
    .where(eq(pointEntries.customerId, customerId))
    .orderBy(asc(pointEntries.createdAt));
  const lots = await db
    .select()
    .from(pointLots)
    .where(eq(pointLots.customerId, customerId))
    .orderBy(asc(pointLots.earnedAt));
  const wallet = await db
    .select()
    .from(walletEntries)
    .where(eq(walletEntries.customerId, customerId))
    .orderBy(asc(walletEntries.createdAt));
  const topUps = await db
    .select()
    .from(walletTopUps)
    .where(eq(walletTopUps.customerId, customerId))
    .orderBy(asc(walletTopUps.createdAt));
  return {
    points: {
      balance: points.reduce((s, p) => s + p.points, 0),
      entries: points.map((p) => ({
        id: p.id,
        kind: p.kind,
        points: p.points,
        reference: p.reference,
        reason: p.reason,
        spend: p.spend,
        at: p.createdAt.toISOString(),
      })),
      lots: lots.map((l) => ({
        id: l.id,
        points: l.points,
        remaining: l.remaining,
        earnedAt: l.earnedAt.toISOString(),
        expiresAt: l.expiresAt.toISOString(),
      })),
    },
    wallet: {
      balance: wallet.reduce((s, w) => s + w.amount, 0),
      entries: wallet.map((w) => ({
        id: w.id,
        kind: w.kind,
        amount: w.amount,
        method: w.method,
        reference: w.reference,
        at: w.createdAt.toISOString(),
      })),
      topUps: topUps.map((t) => ({
        id: t.id,
        method: t.method,
        amount: t.amount,
        status: t.status,
        channel: t.channel,
        locationId: t.locationId,
        cashReceived: t.cashReceived,
        change: t.change,
        cardLast4: t.cardLast4,
        failure: t.failure,
        at: t.createdAt.toISOString(),
        completedAt: t.completedAt?.toISOString() ?? null,
      })),
    },
  };
}
