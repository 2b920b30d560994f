import { expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { anonymous } from '../../platform/auth.ts';
import { DomainError } from '../../platform/errors.ts';
import { describeEachDatabase, stockedStore, type TestApp } from '../../test/harness.ts';
import { TEST_CARDS, testCardProvider, type CardProvider } from '../payments/service.ts';
import { testProviderCharges } from '../payments/schema.ts';
import { cardAttempts } from './schema.ts';
import { checkout } from './place-order/checkout.ts';
import { newCardAttempt, voidAbandonedAttempts } from './place-order/card-attempts.ts';
import { holdWithAttempt } from './place-order/hold-and-authorise.ts';

const card = { number: TEST_CARDS.approved };
const guest = { name: '山田 花子', email: 'hanako@example.jp' };

async function level(app: TestApp, variantId: string, locationId: string) {
  const [row] = await query<{ on_hand: number; reserved: number }>(
    app.server.database.db,
    sql`SELECT on_hand, reserved FROM stock_levels WHERE variant_id = ${variantId} AND location_id = ${locationId}`,
  );
  return { onHand: row?.on_hand ?? 0, reserved: row?.reserved ?? 0 };
}

async function pickupCart(app: TestApp, variantId: string, store: string, quantity: number) {
  const cart = (await app.api('POST', '/api/carts', { token: null, body: { deviceId: 'device-attempts' } })).json();
  await app.api('POST', `/api/carts/${cart.id}/lines`, { token: null, body: { variantId, quantity } });
  await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, {
    token: null,
    body: { type: 'pickup', locationId: store },
  });
  return cart.id as string;
}

/**
 * What a process killed mid-checkout leaves behind: the attempt recorded with its holds (one per source;
 * here all on the same stock row, so one), the card authorised (when `authorised`), no order; its lease no longer renewed,
 * and lapsed.
 */
async function deadAttempt(
  app: TestApp,
  provider: CardProvider,
  c: { cartId: string; variantId: string; store: string; quantity: number },
  opts: { sources: number; authorised: boolean },
) {
  const db = app.server.database.db;
  const attempt = newCardAttempt({ cartId: c.cartId, provider: provider.name, holds: opts.sources });
  const hold = {
    lines: [{ variantId: c.variantId, locationId: c.store, quantity: c.quantity }],
    reason: 'order' as const,
    reference: c.cartId,
  };
  await holdWithAttempt(
    db,
    attempt,
    Array.from({ length: opts.sources }, () => hold),
  );
  if (opts.authorised)
    expect((await provider.authorize({ amount: 1100, card, idempotencyKey: attempt.providerKey })).ok).toBe(true);
  await lapse(app, attempt.id);
  return attempt;
}

const lapse = (app: TestApp, attemptId: string) =>
  app.server.database.db
    .update(cardAttempts)
    .set({ leaseUntil: sql`now() - interval '1 second'` })
    .where(eq(cardAttempts.id, attemptId));

async function chargeOf(app: TestApp, key: string) {
  const [c] = await app.server.database.db
    .select()
    .from(testProviderCharges)
    .where(eq(testProviderCharges.idempotencyKey, key));
  return c;
}

describeEachDatabase('orders: card attempts whose process died', (ctx) => {
  it('the sweep voids the authorisation it never heard back about and releases the holds, once', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const provider = testCardProvider(db);
    const { store, variantId } = await stockedStore(app, 5);
    const cartId = await pickupCart(app, variantId, store, 1);
    const a = await deadAttempt(
      app,
      provider,
      { cartId, variantId, store, quantity: 2 },
      { sources: 1, authorised: true },
    );
    expect(await level(app, variantId, store)).toEqual({ onHand: 5, reserved: 2 });
    expect((await chargeOf(app, a.providerKey))!.status).toBe('authorized');

    expect(await voidAbandonedAttempts(db, provider)).toBe(1);
    expect(await level(app, variantId, store)).toEqual({ onHand: 5, reserved: 0 });
    const charge = await chargeOf(app, a.providerKey);
    expect(charge!.status).toBe('voided');
    const [row] = await db.select().from(cardAttempts).where(eq(cardAttempts.id, a.id));
    expect(row).toMatchObject({ status: 'voided', chargeId: charge!.id });
    expect(await voidAbandonedAttempts(db, provider)).toBe(0); // nothing left to take over
  });

  it('killed before the card was called: the holds are released, nothing to void', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const provider = testCardProvider(db);
    const { store, variantId } = await stockedStore(app, 3);
    const cartId = await pickupCart(app, variantId, store, 1);
    const a = await deadAttempt(
      app,
      provider,
      { cartId, variantId, store, quantity: 1 },
      { sources: 1, authorised: false },
    );
    expect(await voidAbandonedAttempts(db, provider)).toBe(1);
    expect(await level(app, variantId, store)).toEqual({ onHand: 3, reserved: 0 });
    expect(await chargeOf(app, a.providerKey)).toBeUndefined();
    expect((await db.select().from(cardAttempts).where(eq(cardAttempts.id, a.id)))[0]!.status).toBe('voided');
  });

  it('an attempt that became an order is never undone, even with its lease long gone', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const provider = testCardProvider(db);
    const { store, variantId } = await stockedStore(app, 3);
    const cartId = await pickupCart(app, variantId, store, 2);
    const { order } = await checkout(db, { card: provider, pickupDays: 2 }, anonymous, cartId, {
      payment: { method: 'card', card },
      guest,
    });
    const [row] = await db.select().from(cardAttempts).where(eq(cardAttempts.cartId, cartId));
    expect(row).toMatchObject({ status: 'placed', orderId: order.id });
    await lapse(app, row!.id);
    expect(await voidAbandonedAttempts(db, provider)).toBe(0);
    expect(await level(app, variantId, store)).toEqual({ onHand: 3, reserved: 2 });
    expect((await chargeOf(app, row!.providerKey))!.status).toBe('authorized');
    expect(order.payments[0]).toMatchObject({ method: 'card', status: 'authorized' });
  });

  it('a checkout stalled past its lease and taken over is refused (503): no order, nothing held, card voided', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const real = testCardProvider(db);
    // Another copy's sweep runs while this checkout waits on the acquirer, after the attempt's lease lapsed.
    const stalled: CardProvider = {
      ...real,
      async authorize(input) {
        const answer = await real.authorize(input);
        await db
          .update(cardAttempts)
          .set({ leaseUntil: sql`now() - interval '1 second'` })
          .where(eq(cardAttempts.providerKey, input.idempotencyKey));
        expect(await voidAbandonedAttempts(db, real)).toBe(1);
        return answer;
      },
    };
    const { store, variantId } = await stockedStore(app, 2);
    const cartId = await pickupCart(app, variantId, store, 1);
    const err = await checkout(db, { card: stalled, pickupDays: 2 }, anonymous, cartId, {
      payment: { method: 'card', card },
      guest,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('cart.checkout_interrupted');
    expect((err as DomainError).status).toBe(503);
    expect(await level(app, variantId, store)).toEqual({ onHand: 2, reserved: 0 });
    const [row] = await db.select().from(cardAttempts).where(eq(cardAttempts.cartId, cartId));
    expect(row!.status).toBe('voided');
    expect((await chargeOf(app, row!.providerKey))!.status).toBe('voided');
    // The cart is still open: trying again places the order.
    const { order } = await checkout(db, { card: real, pickupDays: 2 }, anonymous, cartId, {
      payment: { method: 'card', card },
      guest,
    });
    expect(order.status).toBeDefined();
    expect(await level(app, variantId, store)).toEqual({ onHand: 2, reserved: 1 });
  });

  it('the retry of a cart whose process died is not refused as sold out by its own dead holds', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const provider = testCardProvider(db);
    const { store, variantId } = await stockedStore(app, 2);
    const cartId = await pickupCart(app, variantId, store, 2);
    const dead = await deadAttempt(
      app,
      provider,
      { cartId, variantId, store, quantity: 2 },
      { sources: 1, authorised: true },
    );
    expect(await level(app, variantId, store)).toEqual({ onHand: 2, reserved: 2 }); // sold out, to everyone
    const { order } = await checkout(db, { card: provider, pickupDays: 2 }, anonymous, cartId, {
      payment: { method: 'card', card },
      guest,
    });
    expect(order.lines[0]).toMatchObject({ variantId, quantity: 2 });
    expect(await level(app, variantId, store)).toEqual({ onHand: 2, reserved: 2 }); // the order's, now
    expect((await chargeOf(app, dead.providerKey))!.status).toBe('voided');
    const rows = await db.select().from(cardAttempts).where(eq(cardAttempts.cartId, cartId));
    expect(rows.map((r) => r.status).sort()).toEqual(['placed', 'voided']);
  });

  it('sweeps running at once in several copies undo each dead attempt exactly once', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const provider = testCardProvider(db);
    const { store, variantId } = await stockedStore(app, 20);
    const voids: string[] = [];
    const counting: CardProvider = {
      ...provider,
      void: async (chargeId) => {
        voids.push(chargeId);
        await provider.void(chargeId);
      },
    };
    for (let i = 0; i < 8; i++) {
      const cartId = await pickupCart(app, variantId, store, 1);
      await deadAttempt(app, provider, { cartId, variantId, store, quantity: 1 }, { sources: 1, authorised: true });
    }
    expect(await level(app, variantId, store)).toEqual({ onHand: 20, reserved: 8 });
    const undone = await Promise.all(
      Array.from({ length: 4 }, () => voidAbandonedAttempts(db, counting, { batch: 3 })),
    );
    let total = undone.reduce((a, b) => a + b, 0);
    while (total < 8) {
      const more = await voidAbandonedAttempts(db, counting);
      if (!more) break;
      total += more;
    }
    expect(total).toBe(8);
    expect(new Set(voids).size).toBe(8);
    expect(voids).toHaveLength(8);
    expect(await level(app, variantId, store)).toEqual({ onHand: 20, reserved: 0 });
  });
  it('card checkouts racing for the last units: exactly that many orders, the rest refused, nothing held or authorised for them', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const provider = testCardProvider(db);
    const { store, variantId } = await stockedStore(app, 4);
    const carts = [];
    for (let i = 0; i < 10; i++) carts.push(await pickupCart(app, variantId, store, 1));
    const answers = await Promise.all(
      carts.map((cartId) =>
        checkout(db, { card: provider, pickupDays: 2 }, anonymous, cartId, {
          payment: { method: 'card', card },
          guest,
        }).then(
          () => 'placed',
          (e: unknown) => (e instanceof DomainError ? e.code : String(e)),
        ),
      ),
    );
    expect(answers.filter((a) => a === 'placed')).toHaveLength(4);
    expect(answers.filter((a) => a === 'cart.unavailable')).toHaveLength(6);
    expect(await level(app, variantId, store)).toEqual({ onHand: 4, reserved: 4 });
    const [open] = await query<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM card_attempts WHERE status NOT IN ('placed', 'voided')`,
    );
    expect(open!.n).toBe(0);
    const [loose] = await query<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM test_provider_charges c WHERE c.status = 'authorized'
           AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.provider_ref = c.id)`,
    );
    expect(loose!.n).toBe(0);
  });
});
