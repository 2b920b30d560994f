import { eq, sql } from 'drizzle-orm';
import { query, type Executor } from './db/connection.ts';
import { DomainError } from './errors.ts';
import { loginAttempts } from './db/platform-schema.ts';

/**
 * Guessing protection shared by staff and customer logins, reset and presence codes, PINs and the guest
 * order lookup. Every attempt is counted **before** its secret is checked, in the one statement that also
 * reads the counts (an upsert that locks each counter row), so parallel guesses cannot slip through together.
 *
 * Two counters per attempt, in 15-minute windows:
 *   - the account at this address (5): an attacker's guesses stop the attacker's address, not the account,
 *     so nobody who knows a colleague's e-mail can keep her out: she signs in from her own address meanwhile;
 *   - the address (50): one address walking many accounts.
 * Over a limit, the answer is 429 until the window ends. A success clears the account's counter at that
 * address and gives the address its attempt back.
 *
 * Keys are namespaced by the caller (`customer:…`, `reset:…`, `pin:…`) so one kind cannot lock out another.
 * The address is the route's `request.ip`: behind a load balancer that is the client's only with
 * TRUST_PROXY set — otherwise every request comes from the balancer and shares one address counter.
 */
export const THROTTLE = { perPair: 5, perAddress: 50, windowMinutes: 15 } as const;

const counters = (key: string, address: string) =>
  [
    { id: `pair:${key}|${address}`, limit: THROTTLE.perPair },
    { id: `addr:${address}`, limit: THROTTLE.perAddress },
  ] as const;

/** Count this attempt, then refuse it when a counter is over its limit (auth.too_many_attempts, 429). */
export async function countAttempt(db: Executor, key: string, address: string): Promise<void> {
  const rows = counters(key, address);
  const window = `${THROTTLE.windowMinutes} minutes`;
  const counted = await query<{ key: string; count: number }>(
    db,
    sql`INSERT INTO login_attempts AS c (key, window_start, count, last_at)
        VALUES ${sql.join(
          rows.map((r) => sql`(${r.id}, now(), 1, now())`),
          sql`, `,
        )}
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN c.window_start < now() - ${window}::interval THEN 1 ELSE c.count + 1 END,
          window_start = CASE WHEN c.window_start < now() - ${window}::interval THEN now() ELSE c.window_start END,
          last_at = now()
        RETURNING key, count`,
  );
  let over = 0;
  for (const r of rows) {
    const n = Number(counted.find((c) => c.key === r.id)?.count ?? 0);
    over = Math.max(over, n - r.limit);
  }
  if (over > 0) throw new DomainError('auth.too_many_attempts', { retryAfterMinutes: THROTTLE.windowMinutes });
}

/** The attempt was right: the account starts afresh, and the address gets this attempt back. */
export async function attemptSucceeded(db: Executor, key: string, address: string): Promise<void> {
  const [pair, addr] = counters(key, address);
  await db.delete(loginAttempts).where(eq(loginAttempts.key, pair.id));
  await db
    .update(loginAttempts)
    .set({ count: sql`greatest(${loginAttempts.count} - 1, 0)` })
    .where(eq(loginAttempts.key, addr.id));
}

/** Forget counters idle for a day. */
export async function purgeLoginFailures(db: Executor): Promise<void> {
  await db.delete(loginAttempts).where(sql`${loginAttempts.lastAt} < now() - interval '1 day'`);
}
