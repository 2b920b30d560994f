import { heldOut, mondayNoon } from './campaign-world.ts';
import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { reportPosition } from '../customers/service.ts';
import {
  createTestLocation,
  createTestProduct,
  deliverEvents,
  describeEachDatabase,
  receive,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';
import { onPositionReported } from './triggers/near-store.ts';
import { sweepIdleCarts } from './triggers/cart-abandoned.ts';
import { tableChanged } from '../../platform/db/table-cache.ts';

/** More than a day ahead, so that carts touched now are idle by then. */
const MONDAY_NOON = mondayNoon(25 * 3600_000);
const days = (d: Date, n: number) => new Date(d.getTime() + n * 86400_000);
/** About 300 m north of a point (0.0027° of latitude). */
const north300 = (p: { lat: number; lng: number }) => ({ lat: p.lat + 0.0027, lng: p.lng });

let worlds = 0;
/** A store of this test's own, 50 km from every other test's. */
async function store(app: TestApp, name = '渋谷店') {
  const at = { lat: 20 + 0.5 * ++worlds, lng: 139.7 };
  return { id: await createTestLocation(app, { name, ...at }), ...at };
}

async function member(app: TestApp, opts: { location?: boolean } = {}) {
  const r = await registerCustomer(app);
  if (opts.location !== false) {
    const res = await app.api('PUT', '/api/account/consents', {
      token: r.token,
      body: { items: [{ channel: 'location', purpose: 'marketing', granted: true }] },
    });
    expect(res.statusCode, res.body).toBe(200);
  }
  return { id: r.customer.id, token: r.token, email: r.customer.email, memberNumber: r.customer.memberNumber };
}

async function trigger(app: TestApp, body: Record<string, unknown>) {
  const res = await app.api('POST', '/api/campaigns', {
    body: { name: '近くの会員へ', link: '/shop', holdoutPercent: 0, ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().id as string;
  const on = await app.api('POST', `/api/campaigns/${id}/activate`);
  expect(on.statusCode, on.body).toBe(200);
  expect(on.json()).toMatchObject({ kind: 'trigger', status: 'active' });
  return id;
}

const nearStoreTrigger = (app: TestApp, locationId: string, extra: Record<string, unknown> = {}) =>
  trigger(app, {
    title: '{{store}}まで {{distance}} — 本日のクーポン',
    body: '{{store}}で使えるクーポンをお届けします。',
    trigger: { kind: 'near_store', radiusM: 500, cooldownDays: 7, locationIds: [locationId] },
    ...extra,
  });

async function firings(app: TestApp, campaignId: string) {
  return query<{ customer_id: string; firing: number; status: string; detail: Record<string, unknown> | null }>(
    app.server.database.db,
    sql`SELECT customer_id, firing, status, detail FROM campaign_recipients WHERE campaign_id = ${campaignId}
         ORDER BY created_at, firing`,
  );
}

async function notices(app: TestApp, customerId: string) {
  return query<{ title: string; body: string; payload: { link: string | null } }>(
    app.server.database.db,
    sql`SELECT title, body, payload FROM notifications WHERE customer_id = ${customerId} AND kind = 'campaign'
         ORDER BY created_at`,
  );
}

describeEachDatabase('triggers: always-on campaigns, each member at most once per cooldown', (ctx) => {
  it('near a store that is open, she gets 「渋谷店まで 300 m — 本日のクーポン」 once a week', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const shibuya = await store(app);
    const aiko = await member(app);
    const id = await nearStoreTrigger(app, shibuya.id);

    await reportPosition(db, aiko.id, north300(shibuya), MONDAY_NOON);
    await deliverEvents(app);
    expect(await firings(app, id)).toEqual([
      {
        customer_id: aiko.id,
        firing: 1,
        status: 'queued',
        detail: { locationId: shibuya.id, store: '渋谷店', distanceM: 300 },
      },
    ]);
    expect((await notices(app, aiko.id)).map((n) => n.title)).toEqual(['渋谷店まで 300 m — 本日のクーポン']);

    // Still there an hour later, and the next day: the cooldown (7 days) holds.
    await reportPosition(db, aiko.id, north300(shibuya), new Date(MONDAY_NOON.getTime() + 3600_000));
    await deliverEvents(app);
    expect(
      await onPositionReported(
        db,
        { customerId: aiko.id, ...north300(shibuya), at: days(MONDAY_NOON, 6).toISOString() },
        { now: days(MONDAY_NOON, 6) },
      ),
    ).toBe(0);
    expect((await firings(app, id)).length).toBe(1);

    // The next Monday she is by the store again: the second firing, its own message.
    const nextWeek = days(MONDAY_NOON, 7);
    expect(
      await onPositionReported(
        db,
        { customerId: aiko.id, ...north300(shibuya), at: nextWeek.toISOString() },
        { now: nextWeek },
      ),
    ).toBe(1);
    expect((await firings(app, id)).map((f) => f.firing)).toEqual([1, 2]);
    expect((await notices(app, aiko.id)).length).toBe(2);
    await app.api('POST', `/api/campaigns/${id}/pause`);
  });

  it('a closed store, a store too far, a paused trigger or no consent fire nothing', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const shibuya = await store(app);
    const aiko = await member(app);
    const id = await nearStoreTrigger(app, shibuya.id);
    const check = (at: Date, p: { lat: number; lng: number }) =>
      onPositionReported(db, { customerId: aiko.id, ...p, at: at.toISOString() }, { now: at });

    expect(await check(days(MONDAY_NOON, 1), north300(shibuya))).toBe(0); // Tuesday: the store is closed
    expect(await check(new Date(MONDAY_NOON.getTime() + 9.5 * 3600_000), north300(shibuya))).toBe(0); // 21:30: closed
    expect(await check(MONDAY_NOON, { lat: shibuya.lat + 0.01, lng: shibuya.lng })).toBe(0); // 1.1 km
    // A report eleven minutes old when it is handled is history, not where she is.
    expect(
      await onPositionReported(
        db,
        { customerId: aiko.id, ...north300(shibuya), at: MONDAY_NOON.toISOString() },
        { now: new Date(MONDAY_NOON.getTime() + 11 * 60_000) },
      ),
    ).toBe(0);
    expect(await check(MONDAY_NOON, north300(shibuya))).toBe(1); // open, 300 m: the one that fires
    await app.api('POST', `/api/campaigns/${id}/pause`);
    expect(await check(days(MONDAY_NOON, 14), north300(shibuya))).toBe(0); // paused
    expect((await firings(app, id)).length).toBe(1);

    // Without the location consent her position is refused, and not kept.
    const noConsent = await member(app, { location: false });
    const refused = await app.api('POST', '/api/account/position', {
      token: noConsent.token,
      body: north300(shibuya),
      headers: { 'accept-language': 'en' },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'customer.location_consent_required' });
    // Withdrawing the consent forgets where she was.
    expect(
      (await app.api('POST', '/api/account/position', { token: aiko.token, body: north300(shibuya) })).statusCode,
    ).toBe(204);
    const kept = () => query(db, sql`SELECT 1 FROM customer_positions WHERE customer_id = ${aiko.id}`);
    expect((await kept()).length).toBe(1);
    await app.api('PUT', '/api/account/consents', {
      token: aiko.token,
      body: { items: [{ channel: 'location', purpose: 'marketing', granted: false }] },
    });
    expect((await kept()).length).toBe(0);
  });

  it('the holdout members fire too, for the lift, and are sent nothing; template values are plain text', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const shibuya = await store(app, '渋谷店 {{distance}} <b>');
    const members = await Promise.all(Array.from({ length: 8 }, () => member(app)));
    const id = await nearStoreTrigger(app, shibuya.id, { holdoutPercent: 50 });
    for (const m of members)
      await onPositionReported(
        db,
        { customerId: m.id, ...north300(shibuya), at: MONDAY_NOON.toISOString() },
        { now: MONDAY_NOON },
      );
    const rows = await firings(app, id);
    expect(rows.length).toBe(8);
    for (const m of members) {
      const row = rows.find((r) => r.customer_id === m.id)!;
      const held = heldOut(id, m.id, 50);
      expect(row.status).toBe(held ? 'holdout' : 'queued');
      const mine = await notices(app, m.id);
      // The store's name goes in once, as written: its "{{distance}}" is not filled a second time.
      expect(mine.map((n) => n.title)).toEqual(held ? [] : ['渋谷店 {{distance}} <b>まで 300 m — 本日のクーポン']);
    }
    const results = await app.api('GET', `/api/campaigns/${id}/results`);
    expect(results.statusCode, results.body).toBe(200);
    expect(results.json().treated.members + results.json().holdout.members).toBe(8);
    const list = (await app.api('GET', `/api/campaigns/${id}/firings`)).json();
    expect(list.totals).toMatchObject({ firings: 8 });
    expect(list.items[0].detail).toMatchObject({ distanceM: 300 });
    await app.api('POST', `/api/campaigns/${id}/pause`);
  });

  it('her till sale after the greeting is the trigger’s doing (sent online → bought in store); one before it is not', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const shibuya = await store(app);
    // Open round the clock (00:00 to the next 00:00), every day: this test runs on the real clock.
    await db.execute(
      sql`UPDATE locations SET opening_hours = ${JSON.stringify(
        Object.fromEntries(
          ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, { open: '00:00', close: '00:00' }]),
        ),
      )}::jsonb WHERE id = ${shibuya.id}`,
    );
    tableChanged(db, 'locations'); // kept in memory by the server: read again
    const { variantIds, jans } = await createTestProduct(app);
    await receive(app, variantIds[0]!, shibuya.id, 10);
    const aiko = await member(app);
    const tillSale = async () => {
      const res = await app.api('POST', '/api/pos/sales', {
        body: {
          locationId: shibuya.id,
          lines: [{ jan: jans[0], quantity: 1 }],
          memberNumber: aiko.memberNumber,
          payments: [{ method: 'cash', amount: 1100, tendered: 1100 }],
          clientTransactionId: `till-${Math.random().toString(36).slice(2)}`,
        },
      });
      expect(res.statusCode, res.body).toBe(201);
    };
    const id = await nearStoreTrigger(app, shibuya.id);
    await tillSale(); // before any greeting
    await new Promise((r) => setTimeout(r, 5));
    const now = new Date();
    expect(await onPositionReported(db, { customerId: aiko.id, ...north300(shibuya), at: now.toISOString() })).toBe(1);
    await new Promise((r) => setTimeout(r, 5));
    await tillSale();
    const r = (await app.api('GET', `/api/campaigns/${id}/results`)).json();
    expect(r.treated).toMatchObject({ members: 1, buyers: 1, spend: 1100 });
    expect(r.attributed).toMatchObject({ orders: 1, sales: 1100, inStore: { orders: 1, sales: 1100 } });
    await app.api('POST', `/api/campaigns/${id}/pause`);
  });

  it('a cart left for a day names the nearest store that has it all, with a link that switches it to pickup there', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const near = await store(app, '渋谷店');
    const shinjuku = await createTestLocation(app, { name: '新宿店', lat: near.lat + 0.02, lng: near.lng });
    const { variantIds } = await createTestProduct(app, { variants: 2 });
    const [a, b] = variantIds as [string, string];
    await receive(app, a, near.id, 5); // the nearest store lacks the second item
    await receive(app, a, shinjuku, 5);
    await receive(app, b, shinjuku, 5);
    const hanako = await member(app);
    await db.execute(sql`UPDATE customers SET home_location_id = ${near.id} WHERE id = ${hanako.id}`);
    const cart = (await app.api('POST', '/api/carts', { token: hanako.token, body: {} })).json();
    for (const v of [a, b])
      expect(
        (
          await app.api('POST', `/api/carts/${cart.id}/lines`, {
            token: hanako.token,
            body: { variantId: v, quantity: 1 },
          })
        ).statusCode,
      ).toBe(200);
    // Somebody with nothing anywhere: the online reminder.
    const {
      variantIds: [none],
    } = await createTestProduct(app);
    const kenji = await member(app);
    await db.execute(sql`UPDATE customers SET home_location_id = ${near.id} WHERE id = ${kenji.id}`);
    const cart2 = (await app.api('POST', '/api/carts', { token: kenji.token, body: {} })).json();
    await app.api('POST', `/api/carts/${cart2.id}/lines`, {
      token: kenji.token,
      body: { variantId: none, quantity: 1 },
    });

    const id = await trigger(app, {
      name: 'カート放置',
      title: 'カートの商品が{{store}}にあります。今日受け取れます',
      body: 'お店で受け取りませんか。',
      link: '/shop/cart',
      trigger: {
        kind: 'cart_abandoned',
        idleHours: 24,
        cooldownDays: 3,
        onlineTitle: 'カートに商品が残っています',
        onlineBody: 'お忘れではありませんか。',
      },
    });
    // Not yet idle for a day: nothing.
    expect(await sweepIdleCarts(db, { now: new Date(Date.now() + 3600_000) })).toBe(0);
    expect(await sweepIdleCarts(db, { now: MONDAY_NOON })).toBe(2);
    const mine = await notices(app, hanako.id);
    expect(mine.map((n) => [n.title, n.payload.link])).toEqual([
      ['カートの商品が新宿店にあります。今日受け取れます', `/shop/cart?pickup=${shinjuku}`],
    ]);
    expect((await notices(app, kenji.id)).map((n) => [n.title, n.payload.link])).toEqual([
      ['カートに商品が残っています', '/shop/cart'],
    ]);
    // The same untouched cart is not reminded twice, however often the sweep runs (several app copies too).
    await Promise.all([1, 2, 3, 4].map(() => sweepIdleCarts(db, { now: MONDAY_NOON })));
    expect(await sweepIdleCarts(db, { now: days(MONDAY_NOON, 5) })).toBe(0);
    expect((await firings(app, id)).length).toBe(2);

    // She touches it again, again and again: re-armed, but only past the cooldown, once per touch.
    for (let i = 0; i < 5; i++)
      await app.api('PUT', `/api/carts/${cart.id}/lines/${a}`, {
        token: hanako.token,
        body: { quantity: 1 + (i % 2) },
      });
    await app.api('PUT', `/api/carts/${cart.id}/lines/${a}`, { token: hanako.token, body: { quantity: 1 } });
    expect(await sweepIdleCarts(db, { now: days(MONDAY_NOON, 1) })).toBe(0); // within the 3 days
    await Promise.all([1, 2, 3].map(() => sweepIdleCarts(db, { now: days(MONDAY_NOON, 4) })));
    expect((await firings(app, id)).filter((f) => f.customer_id === hanako.id).map((f) => f.firing)).toEqual([1, 2]);
    expect((await firings(app, id)).filter((f) => f.customer_id === kenji.id).length).toBe(1);
    await app.api('POST', `/api/campaigns/${id}/pause`);
  });

  it('a trigger storm: 10,000 position reports send each member exactly what the rules allow', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const shibuya = await store(app);
    const members = await Promise.all(Array.from({ length: 20 }, () => member(app)));
    // Three always-on campaigns on the same store: the frequency cap (2 in 7 days) lets two through.
    const ids = [
      await nearStoreTrigger(app, shibuya.id, { name: '一' }),
      await nearStoreTrigger(app, shibuya.id, { name: '二' }),
      await nearStoreTrigger(app, shibuya.id, { name: '三' }),
    ];
    const reports = Array.from({ length: 10_000 }, (_, i) => ({
      customerId: members[i % members.length]!.id,
      ...north300(shibuya),
      at: new Date(MONDAY_NOON.getTime() + (i % 50) * 1000).toISOString(),
    }));
    for (let i = 0; i < reports.length; i += 100)
      await Promise.all(reports.slice(i, i + 100).map((r) => onPositionReported(db, r, { now: MONDAY_NOON })));
    const rows = await query<{ customer_id: string; status: string; n: number }>(
      db,
      sql`SELECT customer_id, status, count(*)::int AS n FROM campaign_recipients
           WHERE campaign_id IN (${sql.join(
             ids.map((i) => sql`${i}`),
             sql`, `,
           )}) GROUP BY customer_id, status`,
    );
    for (const m of members) {
      const of = (s: string) => rows.find((r) => r.customer_id === m.id && r.status === s)?.n ?? 0;
      expect([of('queued'), of('capped'), of('holdout')]).toEqual([2, 1, 0]);
      expect((await notices(app, m.id)).length).toBe(2);
    }
    for (const id of ids) await app.api('POST', `/api/campaigns/${id}/pause`);
  }, 600_000);

  it('the position endpoint refuses a flood from one device (429 with Retry-After), not her other device', async () => {
    const app = ctx();
    const shibuya = await store(app);
    const aiko = await member(app);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        app.api('POST', '/api/account/position', { token: aiko.token, body: north300(shibuya) }),
      ),
    );
    expect(answers.filter((a) => a.statusCode === 204).length).toBe(1);
    const refused = answers.filter((a) => a.statusCode === 429);
    expect(refused.length).toBe(49);
    expect(Number(refused[0]!.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused[0]!.headers['content-type']).toContain('application/problem+json');
    expect(refused[0]!.json()).toMatchObject({ code: 'customer.position_too_often' });
    const phone = await app.api('POST', '/api/customer-auth/login', {
      token: null,
      body: { email: aiko.email, password: 'sakura-password-2026' },
    });
    expect(phone.statusCode).toBe(200);
    const other = await app.api('POST', '/api/account/position', {
      token: phone.json().token,
      body: north300(shibuya),
    });
    expect(other.statusCode).toBe(204);
    // Bad input is a 400 naming the field, never a 500.
    const bad = await app.api('POST', '/api/account/position', {
      token: phone.json().token,
      body: { lat: 91, lng: 0 },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('a trigger message may use only its kind’s variables; a segment campaign cannot be activated', async () => {
    const app = ctx();
    const res = await app.api('POST', '/api/campaigns', {
      body: {
        name: 'x',
        title: '{{name}}さんへ',
        body: '本文',
        trigger: { kind: 'near_store', radiusM: 300, cooldownDays: 7 },
      },
    });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain('title');
    const radius = await app.api('POST', '/api/campaigns', {
      body: { name: 'x', title: 't', body: 'b', trigger: { kind: 'near_store', radiusM: 0, cooldownDays: 7 } },
    });
    expect(radius.statusCode).toBe(400);
    const neither = await app.api('POST', '/api/campaigns', { body: { name: 'x', title: 't', body: 'b' } });
    expect(neither.statusCode).toBe(400);
  });
});
