import { asc, eq, sql } from 'drizzle-orm';
import { query, type Db, type Executor, type Tx } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { newId } from '../../platform/ids.ts';
import { walletEntries } from './schema.ts';

/**
 * Wallet value only expires when the chain configures an expiry for top-ups (the default is none,
 * 無期限). The wallet has no lots table, so which top-up's money is still unspent is found by replaying
 * the ledger: credits (top-ups, refunds, positive adjustments) are spent soonest-expiring first by the
 * debits that came after them, and an `expire` entry (reference = the top-up's id) takes what a top-up
 * still held when it lapsed. Refunds and adjustments never expire.
 */

type WalletEntry = typeof walletEntries.$inferSelect;

interface Credit {
  id: string;
  kind: string;
  remaining: number;
  expiresAt: Date | null;
  createdAt: Date;
}

const byExpiry = (a: Credit, b: Credit) =>
  (a.expiresAt?.getTime() ?? Infinity) - (b.expiresAt?.getTime() ?? Infinity) ||
  a.createdAt.getTime() - b.createdAt.getTime() ||
  (a.id < b.id ? -1 : 1);

/** What every credit of the customer still holds, from their ledger in the order it happened. */
export function replayCredits(entries: WalletEntry[]): Credit[] {
  const credits: Credit[] = [];
  const byId = new Map<string, Credit>();
  for (const e of entries) {
    if (e.kind === 'expire') {
      const lapsed = byId.get(e.reference);
      if (lapsed) lapsed.remaining += e.amount;
      continue;
    }
    if (e.amount > 0) {
      const credit = { id: e.id, kind: e.kind, remaining: e.amount, expiresAt: e.expiresAt, createdAt: e.createdAt };
      credits.push(credit);
      byId.set(e.id, credit);
      continue;
    }
    let need = -e.amount;
    const live = credits
      .filter((c) => c.remaining > 0 && (c.expiresAt === null || c.expiresAt > e.createdAt))
      .sort(byExpiry);
    for (const c of live) {
      if (need === 0) break;
      const take = Math.min(need, c.remaining);
      c.remaining -= take;
      need -= take;
    }
  }
  return credits;
}

async function ledger(db: Executor, customerId: string): Promise<WalletEntry[]> {
  return db
    .select()
    .from(walletEntries)
    .where(eq(walletEntries.customerId, customerId))
    .orderBy(asc(walletEntries.createdAt), asc(walletEntries.id));
}

/** Customers (or this one) with a top-up past its expiry whose expiry is not written yet. */
export const dueTopUps = (customerId: string | null) => sql`
  SELECT DISTINCT t.customer_id AS "customerId" FROM wallet_entries t
   WHERE t.kind = 'top_up' AND t.expires_at <= now() ${customerId ? sql`AND t.customer_id = ${customerId}` : sql``}
     AND NOT EXISTS (SELECT 1 FROM wallet_entries x WHERE x.customer_id = t.customer_id AND x.kind = 'expire' AND x.reference = t.id)`;

/** Has a top-up of this customer lapsed without its expiry written yet (a cheap check before locking)? */
export async function hasDueTopUps(db: Executor, customerId: string): Promise<boolean> {
  return (await query(db, sql`${dueTopUps(customerId)} LIMIT 1`)).length > 0;
}

/**
 * Expire what lapsed top-ups still hold (the caller holds the customer row lock). A top-up that was
 * spent in full gets a ¥0 entry too, so it is never looked at again. Returns the yen expired.
 */
export async function expireDueTopUps(tx: Tx, customerId: string): Promise<number> {
  if (!(await hasDueTopUps(tx, customerId))) return 0;
  const credits = replayCredits(await ledger(tx, customerId));
  const lapsed = await query<{ id: string }>(
    tx,
    sql`SELECT t.id FROM wallet_entries t WHERE t.customer_id = ${customerId} AND t.kind = 'top_up' AND t.expires_at <= now()
          AND NOT EXISTS (SELECT 1 FROM wallet_entries x WHERE x.customer_id = t.customer_id AND x.kind = 'expire' AND x.reference = t.id)`,
  );
  let total = 0;
  for (const { id } of lapsed) {
    const credit = credits.find((c) => c.id === id);
    if (!credit?.expiresAt) continue;
    await tx.insert(walletEntries).values({
      id: newId('wle'),
      customerId,
      kind: 'expire',
      amount: -credit.remaining,
      reference: id,
      details: { expiredAt: credit.expiresAt.toISOString() },
    });
    total += credit.remaining;
  }
  return total;
}

/** Top-up value that lapses within `days`, soonest first. */
export async function walletExpiringSoon(
  db: Executor,
  customerId: string,
  days: number,
): Promise<Array<{ amount: number; expiresAt: string }>> {
  const [any] = await query<{ id: string }>(
    db,
    sql`SELECT id FROM wallet_entries WHERE customer_id = ${customerId} AND kind = 'top_up'
          AND expires_at > now() AND expires_at <= now() + make_interval(days => ${days}) LIMIT 1`,
  );
  if (!any) return [];
  const horizon = Date.now() + days * 86400_000;
  return replayCredits(await ledger(db, customerId))
    .filter(
      (c) => c.remaining > 0 && c.expiresAt && c.expiresAt.getTime() > Date.now() && c.expiresAt.getTime() <= horizon,
    )
    .sort(byExpiry)
    .map((c) => ({ amount: c.remaining, expiresAt: c.expiresAt!.toISOString() }));
}

/**
 * The background job's wallet half: customers with a lapsed top-up, each in its own transaction under
 * the customer lock taken with SKIP LOCKED (a customer busy in another copy is left for its next
 * pass; its own next payment expires lazily anyway).
 */
export async function expireWallets(db: Db, batch = 100): Promise<number> {
  let total = 0;
  const skipped = new Set<string>();
  for (let round = 0; round < 50; round++) {
    const due = (await query<{ customerId: string }>(db, sql`${dueTopUps(null)} LIMIT ${batch + skipped.size}`)).filter(
      (d) => !skipped.has(d.customerId),
    );
    if (!due.length) break;
    for (const { customerId } of due) {
      const done = await inTransaction(db, async (tx) => {
        const locked = await query<{ id: string }>(
          tx,
          sql`SELECT id FROM customers WHERE id = ${customerId} FOR UPDATE SKIP LOCKED`,
        );
        return locked.length ? expireDueTopUps(tx, customerId) : null;
      });
      if (done === null) skipped.add(customerId);
      else total += done;
    }
    if (due.length < batch) break;
  }
  return total;
}
