import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  newStaff,
  receive,
  registerCustomer,
  type TestApp,
} from '../../../test/harness.ts';
import { query } from '../../../platform/db/connection.ts';
import { restockRequestsSql } from '../../engagement/service.ts';
import { stockoutSpellsSql } from '../../inventory/service.ts';
import { insertOrders } from '../forecast/seed-orders.ts';
import { addDays, japanToday } from '../periods.ts';
import type { StockoutReport } from './report.ts';
import { japanMidnight, keepStockouts, walkSpells } from './spells.ts';

const HOUR = 3_600_000;
const signals = { restockRequestsSql };

/** A movement made through the API, then dated back to `at` (the ledger of a past that tests cannot wait for). */
async function moveAt(app: TestApp, at: Date, body: Record<string, unknown>) {
  const res = await app.api('POST', '/api/stock-movements', { body });
  if (res.statusCode !== 201) throw new Error(`movement: ${res.body}`);
  await app.server.database.db.execute(
    sql`UPDATE stock_movements SET created_at = ${at}
         WHERE id = (SELECT id FROM stock_movements WHERE variant_id = ${String(body.variantId)}
                        AND location_id = ${String(body.locationId)} ORDER BY created_at DESC, id DESC LIMIT 1)`,
  );
}

async function view(app: TestApp, token: string, at: Date, productId: string, variantId: string) {
  const res = await app.api('POST', '/api/events', {
    token,
    body: {
      events: [
        {
          id: randomUUID(),
          type: 'product_viewed',
          occurredAt: at.toISOString(),
          channel: 'web',
          payload: { productId, variantId },
        },
      ],
    },
  });
  if (res.statusCode !== 202) throw new Error(`event: ${res.body}`);
}

/**
 * 欠品・機会損失 on a constructed history: at store A a variant that sold 2 a day for four weeks runs out on
 * day X (six days ago) and is received again today; meanwhile two of A's members looked at it, a checkout
 * of it at A was refused and a member asked to be told when it is back. Store B never ran out.
 */
describeEachDatabase('stockouts and lost sales', (ctx) => {
  it('counts the days out, the views, the refused checkout and the restock request, and estimates the lost sales', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const today = japanToday();
    const dayX = addDays(today, -6);
    const storeA = await createTestLocation(app, { name: '吉祥寺テスト店' });
    const storeB = await createTestLocation(app, { name: '町田テスト店' });
    const { productId, variantIds } = await createTestProduct(app, { name: 'リネンシャツ', variants: 3 });
    const [shirt, quiet, other] = variantIds as [string, string, string];

    // Four weeks before X: 2 a day at A (till orders at noon), then the last 60 units go on X at 10:00.
    await moveAt(app, japanMidnight(addDays(dayX, -40)), {
      variantId: shirt,
      locationId: storeA,
      kind: 'receipt',
      quantity: 60,
    });
    const rows = Array.from({ length: 28 }, (_, i) => ({
      o: `ord_so${storeA.slice(-6)}_${i}`,
      v: shirt,
      q: 2,
      at: new Date(japanMidnight(addDays(dayX, -28 + i)).getTime() + 12 * HOUR).toISOString(),
    }));
    await insertOrders(db, storeA, productId, rows);
    await moveAt(app, new Date(japanMidnight(dayX).getTime() + 10 * HOUR), {
      variantId: shirt,
      locationId: storeA,
      kind: 'adjustment',
      quantity: -60,
      reason: '販売（テスト）',
    });
    // A variant nobody bought or looked at runs out too: no demand, not a lost sale.
    await moveAt(app, japanMidnight(addDays(dayX, -40)), {
      variantId: quiet,
      locationId: storeA,
      kind: 'receipt',
      quantity: 3,
    });
    await moveAt(app, new Date(japanMidnight(addDays(dayX, 2)).getTime() + 11 * HOUR), {
      variantId: quiet,
      locationId: storeA,
      kind: 'adjustment',
      quantity: -3,
      reason: '破損',
    });
    // B has it all along.
    await moveAt(app, japanMidnight(addDays(dayX, -40)), {
      variantId: shirt,
      locationId: storeB,
      kind: 'receipt',
      quantity: 50,
    });

    // Two of A's members look at it while it is out; one looked before (not counted), one at another colour.
    const hana = await registerCustomer(app);
    const yuki = await registerCustomer(app);
    const elsewhere = await registerCustomer(app);
    await db.execute(
      sql`UPDATE customers SET home_location_id = ${storeA} WHERE id IN (${hana.customer.id}, ${yuki.customer.id})`,
    );
    await view(app, hana.token, new Date(japanMidnight(addDays(dayX, 1)).getTime() + 13 * HOUR), productId, shirt);
    await view(app, yuki.token, new Date(japanMidnight(addDays(dayX, 3)).getTime() + 20 * HOUR), productId, shirt);
    await view(app, hana.token, new Date(japanMidnight(addDays(dayX, -3)).getTime() + 13 * HOUR), productId, shirt);
    await view(app, yuki.token, new Date(japanMidnight(addDays(dayX, 2)).getTime() + 9 * HOUR), productId, other);
    await view(app, elsewhere.token, new Date(japanMidnight(addDays(dayX, 2)).getTime() + 9 * HOUR), productId, shirt);

    // Today, still out: a pickup at A is refused, and a member asks to be told when it is back.
    const cart = (await app.api('POST', '/api/carts', { token: null, body: { deviceId: 'device-stockouts' } })).json();
    await app.api('POST', `/api/carts/${cart.id}/lines`, { token: null, body: { variantId: shirt, quantity: 1 } });
    await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, {
      token: null,
      body: { type: 'pickup', locationId: storeA },
    });
    const guest = { guest: { name: '客', email: 'stockout@example.jp' }, payment: { method: 'pay_at_store' } };
    for (let i = 0; i < 2; i++) {
      // Tried twice: one cart refused counts once.
      const refused = await app.api('POST', `/api/carts/${cart.id}/checkout`, { token: null, body: guest });
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json().code).toBe('cart.unavailable');
    }
    const wish = await app.api('POST', '/api/account/restock-wishes', {
      token: hana.token,
      body: { variantId: shirt, locationId: storeA },
    });
    expect(wish.statusCode, wish.body).toBe(201);
    // Before the job has counted anything (its spells walked, their signals not kept yet), the report reads
    // the signals from the events, the checkouts and the wishes: the same figures.
    expect((await walkSpells(db)).spells).toBeGreaterThan(0);
    const uncounted = (
      await app.api('GET', `/api/analytics/stockouts?from=${dayX}&to=${today}&stores=${storeA}`)
    ).json() as StockoutReport;
    expect(uncounted.stores[0]!.worst[0]).toMatchObject({
      variantId: shirt,
      outNow: true,
      days: 7,
      views: 2,
      refusedCheckouts: 1,
      restockRequests: 1,
    });
    // The job so far: still out, its days counted.
    expect((await keepStockouts(db, signals)).signalDays).toBeGreaterThan(0);
    const during = (
      await app.api('GET', `/api/analytics/stockouts?from=${dayX}&to=${today}&stores=${storeA}`)
    ).json() as StockoutReport;
    expect(during.stores[0]!.worst[0]).toMatchObject({ variantId: shirt, outNow: true, days: 7, views: 2 });
    // Nothing new (the refusal and the wish arrived more than five minutes before that count — a signal that
    // arrives just before a count is counted again, for a late commit): the next run recounts nothing, it
    // stamps the open spells counted as they are.
    await db.execute(sql`UPDATE checkout_refusals SET refused_at = refused_at - interval '6 minutes'`);
    await db.execute(sql`UPDATE restock_wishes SET created_at = created_at - interval '6 minutes'`);
    expect(await keepStockouts(db, signals)).toMatchObject({ spells: 0, quiet: 2, signalDays: 0 });
    // A view of today arrives after that: the next run recounts the spells of the product's variants (the
    // spells unchanged, their last two days counted again), none stamped as quiet.
    await view(app, yuki.token, new Date(), productId, shirt);
    const next = await keepStockouts(db, signals);
    expect(next).toMatchObject({ spells: 0, quiet: 0 });
    expect(next.signalDays).toBeGreaterThan(0);
    const seen = (
      await app.api('GET', `/api/analytics/stockouts?from=${dayX}&to=${today}&stores=${storeA}`)
    ).json() as StockoutReport;
    expect(seen.stores[0]!.worst[0]).toMatchObject({
      variantId: shirt,
      views: 3,
      refusedCheckouts: 1,
      restockRequests: 1,
    });

    // … and then it comes in (day Y = today): the next walk reads only what moved since and closes the spell.
    await receive(app, shirt, storeA, 10);
    // The spell closed by the walk is counted afresh by the job; until then the report reads it from the events.
    await walkSpells(db);
    const closed = (
      await app.api('GET', `/api/analytics/stockouts?from=${dayX}&to=${today}&stores=${storeA}`)
    ).json() as StockoutReport;
    expect(closed.stores[0]!.worst[0]).toMatchObject({ outNow: false, views: 3, refusedCheckouts: 1 });
    await keepStockouts(db, signals);
    await keepStockouts(db, signals); // a second walk changes nothing

    const res = await app.api(
      'GET',
      `/api/analytics/stockouts?from=${addDays(dayX, -10)}&to=${today}&stores=${storeA},${storeB}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json() as StockoutReport;
    expect(r.stores.map((s) => s.locationId)).toEqual([storeA]);
    const [a] = r.stores;
    expect(a!.name).toBe('吉祥寺テスト店');
    expect(a!.worst).toEqual([
      expect.objectContaining({
        variantId: shirt,
        productName: 'リネンシャツ',
        days: 7,
        firstDay: dayX,
        lastDay: today,
        outNow: false,
        views: 3,
        refusedCheckouts: 1,
        restockRequests: 1,
        dailyRate: 2,
        lostUnits: 14,
        lostYen: 14 * 1100,
      }),
    ]);
    expect(r.totals).toEqual({
      stockouts: 1,
      days: 7,
      views: 3,
      refusedCheckouts: 1,
      restockRequests: 1,
      lostUnits: 14,
      lostYen: 15_400,
    });

    // A period that starts on X + 4 counts three days.
    const later = (
      await app.api('GET', `/api/analytics/stockouts?from=${addDays(dayX, 4)}&to=${today}&stores=${storeA}`)
    ).json() as StockoutReport;
    expect(later.stores[0]!.worst[0]).toMatchObject({ days: 3, lostUnits: 6, views: 1, refusedCheckouts: 1 });

    const csv = await app.api('GET', `/api/analytics/stockouts/export.csv?from=${dayX}&to=${today}&stores=${storeA}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('推定機会損失（円）');
    expect(csv.body).toContain('リネンシャツ');
    expect(csv.body).toContain('15400');

    // A counted spell that turns out shorter (a receipt of X + 2 that a walk sees late): the days it no longer
    // has lose their kept signals — yuki's view of X + 3, today's view, refusal and wish — before and after the
    // job counts the pair again.
    await moveAt(app, new Date(japanMidnight(addDays(dayX, 2)).getTime() + 12 * HOUR), {
      variantId: shirt,
      locationId: storeA,
      kind: 'receipt',
      quantity: 5,
    });
    await db.execute(sql`UPDATE analytics_stockout_cursor SET seen_at = ${japanMidnight(addDays(dayX, 1))}`);
    const shorter = { days: 3, lastDay: addDays(dayX, 2), views: 1, refusedCheckouts: 0, restockRequests: 0 };
    const read = async () =>
      (
        (
          await app.api('GET', `/api/analytics/stockouts?from=${dayX}&to=${today}&stores=${storeA}`)
        ).json() as StockoutReport
      ).stores[0]!.worst[0];
    expect((await walkSpells(db)).spells).toBeGreaterThan(0);
    expect(await read()).toMatchObject(shorter);
    await keepStockouts(db, signals);
    expect(await read()).toMatchObject({ ...shorter, lostUnits: 6 });
    const [stale] = await query<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM analytics_stockout_signals
           WHERE variant_id = ${shirt} AND location_id = ${storeA} AND day > ${addDays(dayX, 2)}::date`,
    );
    expect(stale?.n).toBe(0);
  });

  it('rolls the months that are over into month rows and answers every period as from the spells alone', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const today = japanToday();
    const D = (n: number) => addDays(today, -n);
    const noon = (day: string, hours = 12) => new Date(japanMidnight(day).getTime() + hours * HOUR);
    const store = await createTestLocation(app, { name: '立川テスト店' });
    const { productId, variantIds } = await createTestProduct(app, { name: '月次テスト', variants: 3 });
    const [a, b, c] = variantIds as [string, string, string];
    // Sales before each spell (a rate to lose at), at noon in Japan.
    const sales = (v: string, fromDaysAgo: number, days: number, q: number) =>
      Array.from({ length: days }, (_, i) => ({
        o: `ord_mo${v.slice(-6)}_${fromDaysAgo}_${i}`,
        v,
        q,
        at: noon(D(fromDaysAgo - i)).toISOString(),
      }));
    await insertOrders(db, store, productId, [
      ...sales(a, 130, 29, 1),
      ...sales(a, 69, 28, 3),
      ...sales(b, 125, 28, 2),
      ...sales(c, 60, 20, 1),
    ]);
    const move = (v: string, day: string, quantity: number, hours = 12) =>
      moveAt(app, noon(day, hours), {
        variantId: v,
        locationId: store,
        kind: quantity > 0 ? 'receipt' : 'adjustment',
        quantity,
        ...(quantity > 0 ? {} : { reason: '販売（テスト）' }),
      });
    // a: out 100 days ago until 70 days ago, out again that same day (a day two spells share), back 40 days
    // ago, out again 20 days ago and still out. b: out from 95 to 33 days ago. c: out 45 days ago, still out.
    await move(a, D(130), 10);
    await move(a, D(100), -10);
    await move(a, D(70), 5, 10);
    await move(a, D(70), -5, 15);
    await move(a, D(40), 3);
    await move(a, D(20), -3);
    await move(b, D(130), 4);
    await move(b, D(95), -4);
    await move(b, D(33), 6);
    await move(c, D(80), 2);
    await move(c, D(45), -2);
    const member = await registerCustomer(app);
    await db.execute(sql`UPDATE customers SET home_location_id = ${store} WHERE id = ${member.customer.id}`);
    for (const [v, n] of [
      [a, 98],
      [a, 85],
      [a, 70],
      [a, 52],
      [a, 10],
      [b, 90],
      [b, 61],
      [b, 34],
      [c, 44],
      [c, 3],
    ] as const)
      await view(app, member.token, noon(D(n)), productId, v);

    // The movements are dated back: the first walk reads the whole ledger (as on a new database).
    await db.execute(sql`DELETE FROM analytics_stockout_cursor`);
    await keepStockouts(db, signals);
    const run = await keepStockouts(db, signals);
    expect(run.months).toBe(0); // all rolled by the first run
    const [rolled] = await query<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM analytics_stockout_months WHERE location_id = ${store}`,
    );
    expect(rolled!.n).toBeGreaterThanOrEqual(5);
    const monthStart = (day: string) => `${day.slice(0, 7)}-01`;
    const periods = [
      [D(89), today],
      [D(29), today],
      [D(120), today],
      [monthStart(D(100)), addDays(monthStart(D(35)), -1)],
      [monthStart(D(70)), addDays(monthStart(D(40)), -1)],
      [D(70), addDays(monthStart(D(20)), -1)],
      [addDays(monthStart(D(65)), 3), D(30)],
      [D(100), D(70)],
    ];
    const reports = async () => {
      const out: StockoutReport[] = [];
      for (const [from, to] of periods) {
        const res = await app.api('GET', `/api/analytics/stockouts?from=${from}&to=${to}&stores=${store}`);
        expect(res.statusCode, res.body).toBe(200);
        out.push(res.json() as StockoutReport);
      }
      return out;
    };
    const withMonths = await reports();
    expect(withMonths[0]!.stores[0]!.worst.map((r) => r.variantId).sort()).toEqual([a, b, c].sort());
    // The same answers from the spells alone (the rollup dropped), then again once the job has rolled it anew.
    await db.execute(sql`DELETE FROM analytics_stockout_months`);
    await db.execute(sql`UPDATE analytics_stockouts SET rolled_through = NULL`);
    expect(await reports()).toEqual(withMonths);
    expect((await keepStockouts(db, signals)).months).toBe(rolled!.n);
    expect(await reports()).toEqual(withMonths);

    // A spell of a rolled month changes (a receipt of 85 days ago that a walk sees late): the pair's month rows
    // go with its counted signals (a day fewer out), and every period reads as from the spells, before and after
    // the job.
    await move(a, D(85), 2);
    await move(a, D(83), -2);
    await db.execute(sql`UPDATE analytics_stockout_cursor SET seen_at = ${japanMidnight(D(86))}`);
    await walkSpells(db);
    const [left] = await query<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM analytics_stockout_months WHERE variant_id = ${a} AND location_id = ${store}`,
    );
    expect(left!.n).toBe(0);
    const changed = await reports();
    expect(changed[0]!.stores[0]!.worst.find((r) => r.variantId === a)!.days).toBeLessThan(
      withMonths[0]!.stores[0]!.worst.find((r) => r.variantId === a)!.days,
    );
    expect((await keepStockouts(db, signals)).months).toBeGreaterThan(0);
    expect(await reports()).toEqual(changed);
    await db.execute(sql`DELETE FROM analytics_stockout_months`);
    await db.execute(sql`UPDATE analytics_stockouts SET rolled_through = NULL`);
    expect(await reports()).toEqual(changed);
  });

  it('walks only what moved since, from the spell open then, to the spells a walk of the whole ledger gives', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const store = await createTestLocation(app);
    const { variantIds } = await createTestProduct(app, { variants: 3 });
    // Ten hours of movements ten minutes apart, walked after every few: each walk reads the
    // pairs moved since its cursor less five minutes, from the spell they were in then.
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const onHand = new Map(variantIds.map((v) => [v, 0]));
    // Dated after every other movement of the database, so that the walks' cursor follows these.
    const start = Date.now() + 60_000;
    await db.execute(sql`DELETE FROM analytics_stockout_cursor`);
    for (let i = 0; i < 60; i++) {
      const v = variantIds[Math.floor(random() * variantIds.length)]!;
      const have = onHand.get(v)!;
      const quantity = have > 0 && random() < 0.6 ? -(random() < 0.5 ? have : 1) : 1 + Math.floor(random() * 3);
      onHand.set(v, have + quantity);
      const res = await app.api('POST', '/api/stock-movements', {
        body: {
          variantId: v,
          locationId: store,
          kind: quantity > 0 ? 'receipt' : 'adjustment',
          quantity,
          ...(quantity > 0 ? {} : { reason: '販売（テスト）' }),
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      await db.execute(
        sql`UPDATE stock_movements SET created_at = ${new Date(start + i * 10 * 60_000)}
             WHERE id = ${res.json().movement.id as string}`,
      );
      if (i % 4 === 3) await walkSpells(db);
    }
    await walkSpells(db);
    const kept = await query(
      db,
      sql`SELECT variant_id, location_id, out_at::text, back_at::text FROM analytics_stockouts
           WHERE location_id = ${store} ORDER BY 1, 3`,
    );
    const whole = await query(
      db,
      sql`SELECT variant_id, location_id, out_at::text, back_at::text FROM (${stockoutSpellsSql(null)}) s
           WHERE location_id = ${store} ORDER BY 1, 3`,
    );
    expect(whole.length).toBeGreaterThan(5);
    expect(kept).toEqual(whole);
    // The cursor stands hours ahead: a later walk in this database reads the whole ledger again.
    await db.execute(sql`DELETE FROM analytics_stockout_cursor`);
  });

  it('who sees what: head office all, a manager her stores, staff none; errors in the caller’s language', async () => {
    const app = ctx();
    const storeA = await createTestLocation(app);
    const storeB = await createTestLocation(app);
    const today = japanToday();
    const range = `from=${addDays(today, -30)}&to=${today}`;
    const hq = await newStaff(app, 'hq', []);
    const managerA = await newStaff(app, 'store_manager', [storeA]);
    const clerk = await newStaff(app, 'staff', [storeA]);
    expect((await app.api('GET', `/api/analytics/stockouts?${range}`, { token: hq.token })).statusCode).toBe(200);
    const mine = await app.api('GET', `/api/analytics/stockouts?${range}`, { token: managerA.token });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().locationIds).toEqual([storeA]);
    const theirs = await app.api('GET', `/api/analytics/stockouts?${range}&stores=${storeB}`, {
      token: managerA.token,
    });
    expect(theirs.statusCode).toBe(403);
    expect(theirs.headers['content-type']).toContain('application/problem+json');
    expect((await app.api('GET', `/api/analytics/stockouts?${range}`, { token: clerk.token })).statusCode).toBe(403);
    const backwards = await app.api('GET', `/api/analytics/stockouts?from=${today}&to=${addDays(today, -1)}`, {
      headers: { 'accept-language': 'ja' },
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().title).toMatch(/[ぁ-んァ-ン一-龥]/);
    const en = await app.api('GET', `/api/analytics/stockouts?from=2026-02-30&to=2026-03-01`, {
      headers: { 'accept-language': 'en' },
    });
    expect(en.statusCode).toBe(400);
    expect(en.json().title).toMatch(/^[\x20-\x7e]+$/);
  });
});
