import { eq, gt, sql } from 'drizzle-orm';
import type { Executor } from './db/connection.ts';
import { DomainError } from './errors.ts';
import { loginFailures } from './db/platform-schema.ts';

/**
 * Guessing protection shared by staff and customer logins (and reset-code requests): at most 5 failures
 * per key (an e-mail) and 50 per address in 15 minutes, counted in the database so every app copy agrees.
 * Keys are namespaced by the caller (`customer:…`, `reset:…`) so one kind cannot lock out another.
 * The address is the route's `request.ip`: behind a load balancer that is the client's only with
 * TRUST_PROXY set — otherwise every request comes from the balancer and 50 failures lock out everyone.
 */
export const THROTTLE = { perKey: 5, perAddress: 50, windowMinutes: 15 } as const;

export async function assertNotThrottled(db: Executor, key: string, address: string): Promise<void> {
  const [row] = await db
    .select({
      byKey: sql<number>`count(*) filter (where ${loginFailures.email} = ${key})`.mapWith(Number),
      byAddress: sql<number>`count(*) filter (where ${loginFailures.ip} = ${address})`.mapWith(Number),
    })
    .from(loginFailures)
    .where(gt(loginFailures.at, sql`now() - make_interval(mins => ${THROTTLE.windowMinutes})`));
  if ((row?.byKey ?? 0) >= THROTTLE.perKey || (row?.byAddress ?? 0) >= THROTTLE.perAddress) {
    throw new DomainError('auth.too_many_attempts', { retryAfterMinutes: THROTTLE.windowMinutes });
  }
}

export async function recordFailure(db: Executor, key: string, address: string): Promise<void> {
  await db.insert(loginFailures).values({ email: key, ip: address });
}

export async function clearFailures(db: Executor, key: string): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.email, key));
}

/** Forget failed logins older than a day. */
export async function purgeLoginFailures(db: Executor): Promise<void> {
  await db.delete(loginFailures).where(sql`${loginFailures.at} < now() - interval '1 day'`);
}
