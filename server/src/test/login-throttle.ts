import { sql } from 'drizzle-orm';
import { query } from '../platform/db/connection.ts';
import { pairCounterId } from '../platform/login-throttle.ts';
import type { TestApp } from './harness.ts';

/**
 * Time on a login throttle's counter (platform/login-throttle.ts), moved by the test instead of waited for.
 * A delay is set when the attempt before it is *counted*, before its password is hashed: on a loaded machine
 * that hash (and the reply) can spend all of a 1 s delay, so "the next attempt, right away" is no test of
 * the delay. `key` and `address` as the caller passes them to countAttempt (`customer:…` for members).
 */

/** The delay the last check set on the account at this address (seconds from that attempt). */
export async function standingDelay(app: TestApp, key: string, address: string): Promise<number> {
  const [row] = await query<{ delay: number }>(
    app.server.database.db,
    sql`SELECT round(extract(epoch FROM blocked_until - last_at))::int AS delay FROM login_attempts
         WHERE key = ${pairCounterId(key, address)}`,
  );
  return Number(row?.delay);
}

/** Move the standing delay to start now, whole, as if the next attempt came at once. */
export async function startsNow(app: TestApp, key: string, address: string) {
  await query(
    app.server.database.db,
    sql`UPDATE login_attempts SET blocked_until = now() + (blocked_until - last_at)
         WHERE key = ${pairCounterId(key, address)}`,
  );
}

/**
 * Keep the standing delay for a minute from now: the next attempt falls inside it however slowly the machine
 * gets there. (Check its length first with standingDelay; this only stretches what the throttle set.)
 */
export async function holdDelay(app: TestApp, key: string, address: string) {
  const [row] = await query<{ key: string }>(
    app.server.database.db,
    sql`UPDATE login_attempts SET blocked_until = now() + interval '1 minute'
         WHERE key = ${pairCounterId(key, address)} AND blocked_until IS NOT NULL RETURNING key`,
  );
  if (!row) throw new Error(`holdDelay: no delay stands on ${pairCounterId(key, address)}`);
}

/** Let the delay standing on this counter run out (instead of waiting for it). */
export async function waitOut(app: TestApp, key: string, address: string) {
  await query(
    app.server.database.db,
    sql`UPDATE login_attempts SET blocked_until = now() - interval '1 millisecond'
         WHERE key = ${pairCounterId(key, address)}`,
  );
}
