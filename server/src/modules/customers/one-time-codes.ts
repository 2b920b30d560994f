import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/connection.ts';
import { newId } from '../../platform/ids.ts';
import { passwordResetCodes as codes } from './schema.ts';

/** What a 6-digit code sent to her proves: she can reset her password, or she is at the till. */
export type CodePurpose = 'password_reset' | 'presence';

/** Five wrong tries burn a code: a million codes cannot be walked five at a time before it lapses. */
const MAX_ATTEMPTS = 5;

const digest = (customerId: string, code: string) => createHash('sha256').update(`${customerId}:${code}`).digest('hex');

/**
 * A new 6-digit code for this purpose, valid `minutes`; any earlier one of the same purpose stops working.
 * Only its hash is kept. The caller sends the code (through the outbox, in the same transaction).
 */
export async function issueCode(tx: Tx, customerId: string, purpose: CodePurpose, minutes: number): Promise<string> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await tx
    .update(codes)
    .set({ usedAt: sql`now()` })
    .where(and(eq(codes.customerId, customerId), eq(codes.purpose, purpose), isNull(codes.usedAt)));
  await tx.insert(codes).values({
    id: newId('prc'),
    customerId,
    purpose,
    codeHash: digest(customerId, code),
    expiresAt: new Date(Date.now() + minutes * 60_000),
  });
  return code;
}

/**
 * Use the code (once): true when it is hers, for this purpose, unexpired and not burnt. A wrong code
 * counts against the pending one; full-width digits and spaces are forgiven.
 */
export async function consumeCode(tx: Tx, customerId: string, purpose: CodePurpose, given: string): Promise<boolean> {
  const [pending] = await tx
    .select()
    .from(codes)
    .where(
      and(
        eq(codes.customerId, customerId),
        eq(codes.purpose, purpose),
        isNull(codes.usedAt),
        gt(codes.expiresAt, sql`now()`),
      ),
    )
    .for('update');
  if (!pending || pending.attempts >= MAX_ATTEMPTS) return false;
  const actual = Buffer.from(digest(customerId, given.normalize('NFKC').replace(/\s/g, '')));
  if (!timingSafeEqual(actual, Buffer.from(pending.codeHash))) {
    await tx
      .update(codes)
      .set({ attempts: pending.attempts + 1 })
      .where(eq(codes.id, pending.id));
    return false;
  }
  await tx
    .update(codes)
    .set({ usedAt: sql`now()` })
    .where(eq(codes.id, pending.id));
  return true;
}
