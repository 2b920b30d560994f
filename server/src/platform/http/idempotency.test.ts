import { expect, it } from 'vitest';
import Fastify from 'fastify';
import { sql } from 'drizzle-orm';
import { anonymous } from '../auth.ts';
import { query, type Db } from '../db/connection.ts';
import { idempotencyKeys } from '../db/platform-schema.ts';
import { describeEachDatabase, stockedStore, type TestApp } from '../../test/harness.ts';
import { errorHandler } from './problem.ts';
import { registerIdempotency, requestHash } from './idempotency.ts';

/**
 * A bare app with only the idempotency hooks and one route that counts its runs; the first run waits
 * at a gate the test opens, standing in for a slow request (or one whose process is about to die).
 */
async function countingApp(db: Db, leaseMs: number) {
  const app = Fastify({ logger: false });
  app.decorateRequest('principal', null as never);
  app.decorateRequest('lang', 'ja');
  app.decorateRequest('idempotency', undefined);
  app.decorateRequest('idempotencyReplay', false);
  app.addHook('onRequest', async (request) => {
    request.principal = anonymous;
  });
  app.setErrorHandler(errorHandler);
  registerIdempotency(app, db, { leaseMs });
  let runs = 0;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  app.post('/work', { config: { idempotent: true } }, async () => {
    const run = ++runs;
    if (run === 1) await gate;
    return { run };
  });
  await app.ready();
  const post = (key: string) =>
    app.inject({
      method: 'POST',
      url: '/work',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      payload: '{"n":1}',
    });
  return { app, post, open, runs: () => runs };
}

async function keyRow(db: Db, key: string) {
  const [row] = await query<{ status: string; owner: string | null; lease_left_ms: number | null }>(
    db,
    sql`SELECT status, owner, (extract(epoch FROM lease_until - now()) * 1000)::int AS lease_left_ms FROM ${idempotencyKeys} WHERE key = ${key}`,
  );
  return row;
}

const until = async (what: () => Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

async function guestCart(app: TestApp, variantId: string, store: string) {
  const cart = (
    await app.api('POST', '/api/carts', { token: null, body: { deviceId: 'device-idempotency-test' } })
  ).json();
  await app.api('POST', `/api/carts/${cart.id}/lines`, { token: null, body: { variantId, quantity: 1 } });
  await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, {
    token: null,
    body: { type: 'pickup', locationId: store },
  });
  return cart.id as string;
}

async function ordersOfCart(app: TestApp, cartId: string) {
  return query<{ id: string }>(app.server.database.db, sql`SELECT id FROM orders WHERE cart_id = ${cartId}`);
}

describeEachDatabase('idempotency leases', (ctx) => {
  it('a running request keeps renewing its key, so a retry long after the first lease is told to wait, not run twice', async () => {
    const db = ctx().server.database.db;
    const leaseMs = 3000;
    const { app, post, open, runs } = await countingApp(db, leaseMs);
    try {
      const first = post('long-running');
      await until(async () => (await keyRow(db, 'long-running')) !== undefined);
      const taken = Date.now();
      // Past the first lease: only the owner's renewals keep the key.
      await until(async () => Date.now() - taken > leaseMs * 1.5);
      const retry = await post('long-running');
      expect(retry.statusCode).toBe(409);
      expect(retry.json().code).toBe('platform.idempotency_in_progress');
      expect(runs()).toBe(1);
      open();
      expect((await first).json()).toEqual({ run: 1 });
      const later = await post('long-running');
      expect(later.headers['idempotent-replayed']).toBe('true');
      expect(later.json()).toEqual({ run: 1 });
      expect(await keyRow(db, 'long-running')).toMatchObject({ status: 'done', lease_left_ms: null });
    } finally {
      open();
      await app.close();
    }
  });

  it("a key whose owner died is taken over by exactly one of the retries, and the late owner's answer is not kept", async () => {
    const db = ctx().server.database.db;
    const { app, post, open, runs } = await countingApp(db, 60_000);
    try {
      const first = post('owner-dies');
      await until(async () => (await keyRow(db, 'owner-dies')) !== undefined);
      // The owner stops renewing (it died): its lease lapses.
      await db.execute(
        sql`UPDATE ${idempotencyKeys} SET lease_until = now() - interval '1 second' WHERE key = 'owner-dies'`,
      );
      const retries = await Promise.all(Array.from({ length: 10 }, () => post('owner-dies')));
      expect(runs()).toBe(2);
      const ok = retries.filter((r) => r.statusCode === 200);
      expect(ok.length).toBeGreaterThanOrEqual(1);
      for (const r of ok) expect(r.json()).toEqual({ run: 2 });
      for (const r of retries.filter((r) => r.statusCode !== 200))
        expect(r.json().code).toBe('platform.idempotency_in_progress');
      open();
      expect((await first).json()).toEqual({ run: 1 });
      const later = await post('owner-dies');
      expect(later.json()).toEqual({ run: 2 });
      expect(runs()).toBe(2);
    } finally {
      open();
      await app.close();
    }
  });

  it('a checkout retried after its copy died answers with the order already placed, or places it when none was', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { store, variantId } = await stockedStore(app, 5);
    const body = { payment: { method: 'pay_at_store' }, guest: { name: '山田 花子', email: 'hanako@example.jp' } };

    // Died after its order committed, before the answer was stored.
    const placedCart = await guestCart(app, variantId, store);
    const headers = { 'idempotency-key': `co-${placedCart}` };
    const placed = await app.api('POST', `/api/carts/${placedCart}/checkout`, { token: null, body, headers });
    expect(placed.statusCode).toBe(201);
    await db.execute(
      sql`UPDATE ${idempotencyKeys} SET status = 'running', owner = 'dead-copy', response_status = NULL, response_body = NULL, lease_until = now() - interval '1 second' WHERE key = ${headers['idempotency-key']}`,
    );
    const retried = await app.api('POST', `/api/carts/${placedCart}/checkout`, { token: null, body, headers });
    expect(retried.statusCode).toBe(200);
    expect(retried.json().id).toBe(placed.json().id);
    expect(await ordersOfCart(app, placedCart)).toHaveLength(1);

    // Died before anything committed: the key is left running, no order.
    const openCart = await guestCart(app, variantId, store);
    const url = `/api/carts/${openCart}/checkout`;
    await db.insert(idempotencyKeys).values({
      principal: 'anon:127.0.0.1',
      key: `co-${openCart}`,
      method: 'POST',
      path: '/api/carts/:id/checkout',
      requestHash: requestHash('POST', url, body),
      status: 'running',
      owner: 'dead-copy',
      leaseUntil: sql`now() - interval '1 second'`,
    });
    const made = await app.api('POST', url, { token: null, body, headers: { 'idempotency-key': `co-${openCart}` } });
    expect(made.statusCode).toBe(201);
    expect(await ordersOfCart(app, openCart)).toHaveLength(1);
    const replay = await app.api('POST', url, { token: null, body, headers: { 'idempotency-key': `co-${openCart}` } });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().id).toBe(made.json().id);
  });
});
