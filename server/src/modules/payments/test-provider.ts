import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { newId } from '../../platform/ids.ts';
import { luhnDigit } from '../customers/service.ts';
import { testProviderCharges } from './schema.ts';
import type { AuthorizeResult, CardProvider } from './provider.ts';

/** Test card numbers, like the big acquirers' sandboxes. Anything else that passes Luhn is approved. */
export const TEST_CARDS = {
  approved: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
} as const;

/**
 * The built-in `test` provider. It keeps its own ledger (test_provider_charges) and behaves like a real
 * acquirer — declines, idempotent authorisation by key, capture ≤ authorised, refund ≤ captured — so
 * checkout and returns are exercised end to end without a network.
 */
export function testCardProvider(db: Db, opts: { latencyMs?: number } = {}): CardProvider {
  const latency = opts.latencyMs ?? 0;
  return {
    name: 'test',
    available: true,
    async authorize({ amount, card, idempotencyKey }): Promise<AuthorizeResult> {
      const number = (card.number ?? '').replace(/[\s-]/g, '');
      if (!/^\d{12,19}$/.test(number) || luhnDigit(number.slice(0, -1)) !== number.slice(-1))
        return { ok: false, code: 'invalid_card' };
      if (number === TEST_CARDS.declined) return { ok: false, code: 'card_declined' };
      if (number === TEST_CARDS.insufficientFunds) return { ok: false, code: 'insufficient_funds' };
      const last4 = number.slice(-4);
      const id = newId('tch');
      const [row] = await db
        .insert(testProviderCharges)
        .values({ id, idempotencyKey, amount, status: 'authorized', cardLast4: last4 })
        .onConflictDoUpdate({ target: testProviderCharges.idempotencyKey, set: { idempotencyKey } })
        .returning();
      // A real acquirer's answer takes a while to come back; the authorisation exists meanwhile (TEST_CARD_LATENCY_MS).
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      return { ok: true, chargeId: row!.id, last4: row!.cardLast4 };
    },
    async capture(chargeId, amount) {
      await inTransaction(db, async (tx) => {
        const [c] = await tx
          .select()
          .from(testProviderCharges)
          .where(eq(testProviderCharges.id, chargeId))
          .for('update');
        if (!c || c.status === 'voided') throw new Error(`test provider: charge ${chargeId} cannot be captured`);
        if (c.captured >= amount) return;
        if (amount > c.amount) throw new Error(`test provider: capture ${amount} exceeds authorised ${c.amount}`);
        await tx
          .update(testProviderCharges)
          .set({ captured: amount, status: 'captured' })
          .where(eq(testProviderCharges.id, chargeId));
      });
    },
    async void(chargeId) {
      await db
        .update(testProviderCharges)
        .set({ status: 'voided' })
        .where(sql`${testProviderCharges.id} = ${chargeId} AND ${testProviderCharges.captured} = 0`);
    },
    async find(idempotencyKey) {
      const [c] = await db
        .select({ id: testProviderCharges.id, status: testProviderCharges.status })
        .from(testProviderCharges)
        .where(eq(testProviderCharges.idempotencyKey, idempotencyKey));
      if (!c || c.status === 'declined') return null;
      return { chargeId: c.id, status: c.status };
    },
    async refund(chargeId, amount, idempotencyKey) {
      await inTransaction(db, async (tx) => {
        const [c] = await tx
          .select()
          .from(testProviderCharges)
          .where(eq(testProviderCharges.id, chargeId))
          .for('update');
        if (c?.refundKeys.includes(idempotencyKey)) return; // the same refund asked again (a retry after a lost answer)
        if (!c || c.refunded + amount > c.captured)
          throw new Error(`test provider: refund ${amount} exceeds what is captured on ${chargeId}`);
        await tx
          .update(testProviderCharges)
          .set({
            refunded: c.refunded + amount,
            status: c.refunded + amount === c.captured ? 'refunded' : 'captured',
            refundKeys: [...c.refundKeys, idempotencyKey],
          })
          .where(eq(testProviderCharges.id, chargeId));
      });
    },
  };
}
