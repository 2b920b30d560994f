import { sql } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { expireDueLots } from './lots.ts';
import { expireWallets } from './wallet-expiry.ts';

/**
 * The background job: expire every lot past its date, customer by customer, each in its own
 * transaction under that customer's row lock taken with SKIP LOCKED — so several app copies running
 * the job at once never expire the same lot twice, and never wait behind a customer who is busy
 * redeeming (that redemption expires the customer's lots itself first). Returns the points expired.
 */
export async function expirePoints(db: Db, batch = 100): Promise<number> {
  let total = 0;
  const skipped = new Set<string>();
  for (let round = 0; round < 50; round++) {
    const due = (
      await query<{ customerId: string }>(
        db,
        sql`SELECT DISTINCT customer_id AS "customerId" FROM point_lots WHERE remaining > 0 AND expires_at <= now() LIMIT ${batch + skipped.size}`,
      )
    ).filter((d) => !skipped.has(d.customerId));
    if (!due.length) break;
    for (const { customerId } of due) {
      const expired = await inTransaction(db, async (tx) => {
        const locked = await query<{ id: string }>(
          tx,
          sql`SELECT id FROM customers WHERE id = ${customerId} FOR UPDATE SKIP LOCKED`,
        );
        return locked.length ? expireDueLots(tx, customerId) : null;
      });
      if (expired === null) skipped.add(customerId);
      else total += expired;
    }
    if (due.length < batch) break;
  }
  return total;
}

/** Points and wallet expiry in one job run (server.ts schedules it). */
export async function expireLoyalty(db: Db): Promise<{ points: number; yen: number }> {
  return { points: await expirePoints(db), yen: await expireWallets(db) };
}
