import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  receive,
  type TestApp,
} from '../../test/harness.ts';
import { openDatabase, query, type Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { Principal } from '../../platform/auth.ts';
import { reserveLine, type ReserveInput } from './reservations.ts';
import { hotRowStats } from './hot-row.ts';

const actor = { kind: 'staff', staffId: 'stf_flash', role: 'owner', locationIds: [] } as unknown as Principal;

/** One buyer: the service as the route calls it, with an id and expiry of the test's choosing. */
function buyer(db: Db, variantId: string, locationId: string, quantity = 1, ref?: string) {
  const id = newId('rsv');
  const expiresAt = new Date(Date.now() + 600_000 + Math.floor(Math.random() * 1000) * 1000);
  const input: ReserveInput = {
    lines: [{ variantId, locationId, quantity }],
    ttlSeconds: 600,
    reason: 'cart',
    reference: ref ?? `buyer-${id}`,
  };
  return reserveLine(db, actor, id, input, expiresAt).then(
    (r) => ({ ok: true as const, id, quantity, expiresAt, ref: input.reference!, seq: r.seq, batch: r.batch }),
    (err: unknown) => ({ ok: false as const, id, quantity, expiresAt, ref: input.reference!, err }),
  );
}

async function stockRow(app: TestApp, variantId: string, locationId: string) {
  const [row] = await query<{ on_hand: number; reserved: number; lines: number; active: number }>(
    app.server.database.db,
    sql`SELECT s.on_hand, s.reserved,
               (SELECT coalesce(sum(l.quantity), 0)::int FROM reservation_lines l JOIN reservations r ON r.id = l.reservation_id
                 WHERE l.variant_id = s.variant_id AND l.location_id = s.location_id AND r.status = 'active') AS lines,
               (SELECT count(*)::int FROM reservation_lines l WHERE l.variant_id = s.variant_id AND l.location_id = s.location_id) AS active
          FROM stock_levels s WHERE s.variant_id = ${variantId} AND s.location_id = ${locationId}`,
  );
  return {
    onHand: Number(row!.on_hand),
    reserved: Number(row!.reserved),
    lines: Number(row!.lines),
    count: Number(row!.active),
  };
}

/** Every granted answer is a reservation in the database with its own id, line, expiry, reference and owner. */
async function answersMatchDatabase(
  app: TestApp,
  variantId: string,
  locationId: string,
  results: Array<{ ok: boolean; id: string; quantity: number; expiresAt: Date; ref: string }>,
) {
  const rows = await query<{ id: string; quantity: number; expires_at: Date; reference: string; created_by: string }>(
    app.server.database.db,
    sql`SELECT r.id, l.quantity, r.expires_at, r.reference, r.created_by FROM reservations r
          JOIN reservation_lines l ON l.reservation_id = r.id
         WHERE l.variant_id = ${variantId} AND l.location_id = ${locationId} AND r.status = 'active'`,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const granted = results.filter((r) => r.ok);
  expect(byId.size).toBe(granted.length);
  for (const g of granted) {
    const row = byId.get(g.id);
    expect(row, g.id).toBeDefined();
    expect(Number(row!.quantity)).toBe(g.quantity);
    expect(new Date(row!.expires_at).getTime()).toBe(g.expiresAt.getTime());
    expect(row!.reference).toBe(g.ref);
    expect(row!.created_by).toBe('stf_flash');
  }
  for (const r of results.filter((x) => !x.ok)) expect(byId.has(r.id)).toBe(false);
}

async function hotItem(app: TestApp, units: number) {
  const loc = await createTestLocation(app);
  const {
    variantIds: [v],
  } = await createTestProduct(app);
  await receive(app, v!, loc, units);
  return { v: v!, loc };
}

describeEachDatabase('hot stock row: coalesced reservations', (ctx) => {
  it('a flash sale: 2,000 concurrent buyers for 500 units → exactly the first 500 to arrive, each answer its own', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { v, loc } = await hotItem(app, 500);
    const before = { ...hotRowStats };
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 2000 }, () => buyer(db, v, loc)));
    const took = Date.now() - started;
    const granted = results.filter((r) => r.ok);
    expect(granted).toHaveLength(500);
    // First come, first served within the copy: the buyers arrived in call order (each call reaches the
    // row's queue before it awaits anything), and the granted are exactly the first 500 of them.
    expect(results.map((r) => r.ok)).toEqual(Array.from({ length: 2000 }, (_, i) => i < 500));
    const seqs = granted.map((r) => r.seq);
    expect(seqs).toEqual(Array.from({ length: 500 }, (_, i) => seqs[0]! + i));
    // Each refusal is today's problem: 409 inventory.insufficient_stock, nothing left.
    for (const r of results.filter((x) => !x.ok)) {
      expect(r.err).toBeInstanceOf(DomainError);
      expect((r.err as DomainError).code).toBe('inventory.insufficient_stock');
      expect((r.err as DomainError).params).toMatchObject({
        variantId: v,
        locationId: loc,
        requested: 1,
        available: 0,
      });
    }
    expect(await stockRow(app, v, loc)).toMatchObject({ onHand: 500, reserved: 500, lines: 500, count: 500 });
    await answersMatchDatabase(app, v, loc, results);
    // They went many to a statement: far fewer statements than buyers.
    const statements = hotRowStats.lone - before.lone + (hotRowStats.batches - before.batches);
    expect(hotRowStats.batches - before.batches).toBeGreaterThan(0);
    expect(statements).toBeLessThan(100);
    console.info(
      `${app.target}: 2,000 buyers for 500 units in ${took} ms, ${statements} statements (largest ${hotRowStats.largest})`,
    );
  }, 120_000);

  it('mixed quantities: each buyer in turn gets what still fits, exactly as one statement each would', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { v, loc } = await hotItem(app, 100);
    const quantities = Array.from({ length: 120 }, (_, i) => 1 + ((i * 7) % 4)); // 1..4
    const results = await Promise.all(quantities.map((q) => buyer(db, v, loc, q)));
    // Replay the arrival (call) order: each is granted iff its quantity still fits.
    let left = 100;
    const expected = quantities.map((q) => {
      const fits = q <= left;
      if (fits) left -= q;
      return fits;
    });
    expect(results.map((r) => r.ok)).toEqual(expected);
    for (const [i, r] of results.entries()) {
      if (!r.ok) {
        const p = (r.err as DomainError).params;
        // What was left at its turn: less than it asked for.
        expect(Number(p.available)).toBeLessThan(quantities[i]!);
      }
    }
    const reserved = results.filter((r) => r.ok).reduce((s, r) => s + r.quantity, 0);
    expect(await stockRow(app, v, loc)).toMatchObject({ onHand: 100, reserved, lines: reserved });
    await answersMatchDatabase(app, v, loc, results);
  }, 60_000);

  it('a batch with a failing member: that buyer fails alone, the others in it are answered and kept', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { v, loc } = await hotItem(app, 50);
    // A reservation id already taken (by another row's reservation): the batch statement fails on it as a whole.
    const taken = newId('rsv');
    await query(
      db,
      sql`INSERT INTO reservations (id, status, reason, expires_at) VALUES (${taken}, 'released', 'cart', now())`,
    );
    const before = { ...hotRowStats };
    const line = { variantId: v, locationId: loc, quantity: 1 };
    const calls = Array.from({ length: 10 }, (_, i) => {
      const id = i === 5 ? taken : newId('rsv');
      const expiresAt = new Date(Date.now() + 600_000);
      return reserveLine(db, actor, id, { lines: [line], ttlSeconds: 600, reason: 'cart' }, expiresAt).then(
        (r) => ({ ok: true as const, id, r }),
        (err: unknown) => ({ ok: false as const, id, err }),
      );
    });
    const results = await Promise.all(calls);
    // The first went alone; the other nine were one statement that failed and were each tried on their own.
    expect(hotRowStats.batchFailures - before.batchFailures).toBe(1);
    expect(results.filter((r) => r.ok)).toHaveLength(9);
    const failed = results.find((r) => !r.ok)!;
    expect(failed.id).toBe(taken);
    expect(failed.err).not.toBeInstanceOf(DomainError); // the database's own refusal (a 500 over HTTP), not "sold out"
    expect(await stockRow(app, v, loc)).toMatchObject({ onHand: 50, reserved: 9, lines: 9 });
    // Still in arrival order: the retried eight after the lone first.
    const okSeqs = results.flatMap((r) => (r.ok ? [r.r.seq] : []));
    expect(okSeqs).toEqual([...okSeqs].sort((a, b) => a - b));
  }, 60_000);

  it('a lone request goes at once on its own statement, as before', async () => {
    const app = ctx();
    const { v, loc } = await hotItem(app, 1);
    const before = { ...hotRowStats };
    const one = await app.api('POST', '/api/reservations', {
      body: {
        lines: [{ variantId: v, locationId: loc, quantity: 1 }],
        ttlSeconds: 600,
        reason: 'hold',
        reference: 'cus_x',
      },
    });
    expect(one.statusCode).toBe(201);
    expect(one.json()).toMatchObject({ status: 'active', reason: 'hold', reference: 'cus_x' });
    const none = await app.api('POST', '/api/reservations', {
      body: { lines: [{ variantId: v, locationId: loc, quantity: 1 }], ttlSeconds: 600, reason: 'cart' },
      headers: { 'accept-language': 'ja' },
    });
    expect(none.statusCode).toBe(409);
    expect(none.json()).toMatchObject({ code: 'inventory.insufficient_stock', title: '在庫が足りません' });
    expect(hotRowStats.lone - before.lone).toBe(2);
    expect(hotRowStats.batches - before.batches).toBe(0);
    // An unknown variant is still 404, not "no stock".
    const unknown = await app.api('POST', '/api/reservations', {
      body: { lines: [{ variantId: 'var_nope', locationId: loc, quantity: 1 }], ttlSeconds: 600, reason: 'cart' },
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('200 racing HTTP requests for 50 units: 50 reservations, 150 × 409, each answer as the database has it', async () => {
    const app = ctx();
    const { v, loc } = await hotItem(app, 50);
    const before = { ...hotRowStats };
    const res = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        app.api('POST', '/api/reservations', {
          body: {
            lines: [{ variantId: v, locationId: loc, quantity: 1 }],
            ttlSeconds: 600,
            reason: 'cart',
            reference: `r${i}`,
          },
          headers: { 'idempotency-key': `flash-${v}-${i}` },
        }),
      ),
    );
    const ok = res.filter((r) => r.statusCode === 201).map((r) => r.json() as { id: string; reference: string });
    expect(ok).toHaveLength(50);
    expect(res.filter((r) => r.statusCode === 409).map((r) => r.json().code)).toEqual(
      Array(150).fill('inventory.insufficient_stock'),
    );
    const rows = await query<{ id: string; reference: string }>(
      app.server.database.db,
      sql`SELECT r.id, r.reference FROM reservations r JOIN reservation_lines l ON l.reservation_id = r.id
           WHERE l.variant_id = ${v} AND l.location_id = ${loc} AND r.status = 'active'`,
    );
    expect(new Map(rows.map((r) => [r.id, r.reference]))).toEqual(new Map(ok.map((r) => [r.id, r.reference])));
    expect(await stockRow(app, v, loc)).toMatchObject({ reserved: 50, lines: 50 });
    // Over HTTP on the server too the buyers went many to a statement. (On PGlite each request's own
    // idempotency statement runs before it reaches the row, so they arrive one by one: how many share a
    // statement there depends on the load; the bench measures it.)
    if (app.target === 'postgres') expect(hotRowStats.batches - before.batches).toBeGreaterThan(0);
    // A repeat with the same key replays that buyer's own answer.
    const again = await app.api('POST', '/api/reservations', {
      body: {
        lines: [{ variantId: v, locationId: loc, quantity: 1 }],
        ttlSeconds: 600,
        reason: 'cart',
        reference: 'r0',
      },
      headers: { 'idempotency-key': `flash-${v}-0` },
    });
    expect(again.statusCode).toBe(res[0]!.statusCode);
    expect(again.body).toBe(res[0]!.body);
  }, 60_000);

  it('with receipts (transactions) interleaved on the same row: nothing waits forever, and every unit is accounted for', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { v, loc } = await hotItem(app, 100);
    const receipts: Array<Promise<unknown>> = [];
    const buyers: Array<ReturnType<typeof buyer>> = [];
    // Ten waves of 60 buyers, each wave with a receipt of 10 (its own transaction on the same row), a few ms apart.
    for (let wave = 0; wave < 10; wave++) {
      for (let i = 0; i < 60; i++) buyers.push(buyer(db, v, loc));
      receipts.push(receive(app, v, loc, 10));
      await new Promise((ok) => setTimeout(ok, 3));
    }
    await Promise.all(receipts);
    const results = await Promise.all(buyers);
    const granted = results.filter((r) => r.ok).length;
    expect(granted).toBeGreaterThanOrEqual(100);
    expect(granted).toBeLessThanOrEqual(200);
    expect(await stockRow(app, v, loc)).toMatchObject({ onHand: 200, reserved: granted, lines: granted });
    console.info(
      `${app.target}: ${granted} of 600 granted with receipts interleaved, reruns so far ${hotRowStats.reruns}`,
    );
    await answersMatchDatabase(app, v, loc, results);
  }, 120_000);

  it('two app copies on one database: each coalesces its own, the row lock serialises them, exactly 500 granted', async (t) => {
    const app = ctx();
    const pool = app.server.database.pool;
    if (!pool) return t.skip(); // the embedded database is one process's own
    const other = await openDatabase({ databaseUrl: pool.options.connectionString!, poolSize: 8 });
    try {
      const { v, loc } = await hotItem(app, 500);
      const copies = [app.server.database.db, other.db];
      const results = await Promise.all(
        Array.from({ length: 2000 }, (_, i) => buyer(copies[i % 2]!, v, loc).then((r) => ({ ...r, copy: i % 2 }))),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(500);
      // Within each copy, first come first served: once one of its buyers was refused, none after was granted.
      for (const copy of [0, 1]) {
        const mine = results.filter((r) => r.copy === copy);
        const firstRefused = mine.findIndex((r) => !r.ok);
        expect(mine.slice(firstRefused).filter((r) => r.ok)).toEqual([]);
      }
      expect(await stockRow(app, v, loc)).toMatchObject({ onHand: 500, reserved: 500, lines: 500 });
      await answersMatchDatabase(app, v, loc, results);
    } finally {
      await other.close();
    }
  }, 120_000);
});
