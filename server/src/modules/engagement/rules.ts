import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connection.ts';

/** The sending rules every campaign and trigger obeys (one place): the frequency cap and quiet hours. */

/** At most this many marketing messages per member in any 7 days, across campaigns (the frequency cap). */
export const FREQUENCY_CAP = { messages: 2, days: 7 } as const;

/** The cap's advisory locks (two-key form): one for every member, and one per member in a namespace of its own. */
const CAP_ALL = 0x6361_7000;
const CAP_MEMBER = 0x6361_7001;

/**
 * A segment send decides the cap for many members in one statement: it takes the cap lock alone, so no
 * trigger firing is between counting and committing, and it counts what they committed before it.
 * Held to the end of the send's transaction (seconds at 100 k members; triggers wait, requests do not).
 */
export async function lockCapForEveryone(tx: Executor): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${CAP_ALL}, 0)`);
}

/**
 * A trigger firing decides the cap for one member: it shares the cap lock (firings for different members
 * run side by side; a segment send waits for them and they for it) and locks her (two firings for her wait
 * for each other). Take it before counting her messages.
 */
export async function lockCapForMember(tx: Executor, customerId: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock_shared(${CAP_ALL}, 0)`);
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${CAP_MEMBER}, hashtext(${customerId}))`);
}

/** LINE and push are not sent between 21:00 and 08:00 in Japan: held until 08:00. */
export function quietUntil(now: Date): Date | null {
  const tokyo = new Date(now.getTime() + 9 * 3600_000);
  const hour = tokyo.getUTCHours();
  if (hour >= 8 && hour < 21) return null;
  const morning = Date.UTC(tokyo.getUTCFullYear(), tokyo.getUTCMonth(), tokyo.getUTCDate(), 8) - 9 * 3600_000;
  return new Date(hour >= 21 ? morning + 86400_000 : morning);
}
