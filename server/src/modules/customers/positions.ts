import { eq, lt, sql, type SQL } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { emit } from '../../platform/subscribers.ts';
import { TokenBuckets } from '../events/service.ts';
import { hasConsent } from './consents.ts';
import { customerPositions } from './schema.ts';
import { loadCustomer } from './service.ts';
import './problems.ts';

/** Her last position is forgotten this long after it was reported (and at once when she withdraws consent). */
export const POSITION_KEEP_DAYS = 7;

/** One position report per device every 30 seconds: an open app reports about that often, a loop is refused. */
export const POSITION_EVERY_SECONDS = 30;

export interface Position {
  lat: number;
  lng: number;
  /** Metres, as the device reported it. */
  accuracy?: number | null | undefined;
}

/**
 * The per-device limit on position reports, in this process's memory (events/rate-limit.ts says why memory
 * and what it costs: N app copies allow N times the rate). What it protects is the database and the
 * triggers' evaluation; the triggers themselves fire at most once per cooldown whatever the rate.
 */
export class PositionLimiter {
  private readonly buckets: TokenBuckets;
  constructor(everySeconds = POSITION_EVERY_SECONDS, clock?: () => number) {
    this.buckets = new TokenBuckets({ burst: 1, perSecond: 1 / everySeconds }, 100_000, clock);
  }
  /** Take this device's turn, or refuse with 429 and how long to wait. */
  take(device: string): void {
    const wait = this.buckets.waitSeconds(device, 1);
    if (wait > 0) throw new DomainError('customer.position_too_often', { retryAfterSeconds: wait });
    this.buckets.take(device, 1);
  }
}

/**
 * Record where she is now (位置情報), only with her 'location' consent: her one position row is overwritten,
 * and `customer.position_reported` is emitted in the same transaction, so the triggers above (engagement's
 * 店舗の近く) evaluate it after commit.
 */
export async function reportPosition(db: Db, customerId: string, p: Position, now = new Date()): Promise<void> {
  await inTransaction(db, async (tx) => {
    await loadCustomer(tx, customerId, { active: true });
    if (!(await hasConsent(tx, customerId, 'location', 'marketing')))
      throw new DomainError('customer.location_consent_required');
    const row = { customerId, lat: p.lat, lng: p.lng, accuracy: p.accuracy ?? null, at: now };
    await tx
      .insert(customerPositions)
      .values(row)
      .onConflictDoUpdate({
        target: customerPositions.customerId,
        set: { lat: p.lat, lng: p.lng, accuracy: row.accuracy, at: now },
      });
    await emit(tx, 'customer.position_reported', customerId, {
      customerId,
      lat: p.lat,
      lng: p.lng,
      accuracy: row.accuracy,
      at: now.toISOString(),
    });
  });
}

/** Her position is forgotten (consent withdrawn, account erased). */
export async function forgetPosition(tx: Executor, customerIds: string[]): Promise<number> {
  let n = 0;
  for (const id of customerIds)
    n += (await tx.delete(customerPositions).where(eq(customerPositions.customerId, id)).returning()).length;
  return n;
}

/** Positions older than POSITION_KEEP_DAYS are deleted (a periodic job). */
export async function purgePositions(db: Executor, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - POSITION_KEEP_DAYS * 86400_000);
  return (await db.delete(customerPositions).where(lt(customerPositions.at, before)).returning()).length;
}

/** Members' last positions, only while still agreed to (customer_id, lat, lng, at): for the triggers above. */
export function lastPositionsSql(): SQL {
  return sql`SELECT p.customer_id, p.lat, p.lng, p.at FROM customer_positions p
              WHERE p.customer_id IN (SELECT customer_id FROM customer_consents
                                       WHERE channel = 'location' AND purpose = 'marketing' AND granted)`;
}

/** Her last position for her personal data export. */
export async function exportPosition(db: Executor, customerId: string) {
  const [row] = await db.select().from(customerPositions).where(eq(customerPositions.customerId, customerId));
  return row ? { lat: row.lat, lng: row.lng, accuracy: row.accuracy, at: row.at.toISOString() } : null;
}
