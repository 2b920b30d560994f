import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import {
  BOOTSTRAP,
  createTestLocation,
  describeEachDatabase,
  registerCustomer,
  type TestApp,
  newStaff,
} from '../../test/harness.ts';
import { TokenBuckets } from './rate-limit.ts';

type Ev = Record<string, unknown>;

/** A client event as a web page would send it (a product view), with overrides. */
function ev(overrides: Ev = {}): Ev {
  return {
    id: randomUUID(),
    type: 'product_viewed',
    occurredAt: new Date().toISOString(),
    channel: 'web',
    payload: { productId: 'prd_demo' },
    ...overrides,
  };
}

const device = () => `dev-${randomUUID()}`;

/** POST /api/events from an address of our choosing (rate limits are per address). */
function send(app: TestApp, events: Ev[], opts: { token?: string | null; ip?: string; lang?: string } = {}) {
  return app.server.app.inject({
    method: 'POST',
    url: '/api/events',
    remoteAddress: opts.ip ?? `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
    headers: {
      'content-type': 'application/json',
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.lang ? { 'accept-language': opts.lang } : {}),
    },
    payload: JSON.stringify({ events }),
  });
}

async function timeline(app: TestApp, url: string, token?: string) {
  const res = await app.api('GET', url, token ? { token } : {});
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    items: Array<{
      id: string;
      type: string;
      occurredAt: string;
      channel: string;
      locationId: string | null;
      locationName: string | null;
      payload: Record<string, unknown>;
    }>;
    nextCursor: string | null;
  };
}

describe('token buckets', () => {
  it('let a burst through, refuse the next, and refill with time', () => {
    let now = 0;
    const buckets = new TokenBuckets({ burst: 10, perSecond: 2 }, 100, () => now);
    expect(buckets.waitSeconds('a', 10)).toBe(0);
    buckets.take('a', 10);
    expect(buckets.waitSeconds('a', 1)).toBe(1);
    expect(buckets.waitSeconds('b', 10)).toBe(0);
    now += 2000;
    expect(buckets.waitSeconds('a', 4)).toBe(0);
    expect(buckets.waitSeconds('a', 6)).toBe(1);
  });

  it('forget the least recently used key when full', () => {
    const buckets = new TokenBuckets({ burst: 1, perSecond: 0.001 }, 2, () => 0);
    buckets.take('a', 1);
    buckets.take('b', 1);
    buckets.take('c', 1);
    expect(buckets.waitSeconds('a', 1)).toBe(0); // forgotten: a full bucket again
    expect(buckets.waitSeconds('c', 1)).toBeGreaterThan(0);
  });
});

describeEachDatabase('events ingest', (ctx) => {
  it('accepts a batch with 202, and a replayed batch adds nothing and counts as duplicates', async () => {
    const app = ctx();
    const d = device();
    const batch = Array.from({ length: 5 }, () => ev({ deviceId: d }));
    const first = await send(app, batch);
    expect(first.statusCode, first.body).toBe(202);
    expect(first.json()).toEqual({ accepted: 5, duplicates: 0 });
    const again = await send(app, [...batch, ev({ deviceId: d })]);
    expect(again.json()).toEqual({ accepted: 1, duplicates: 5 });
    const twiceInOne = ev({ deviceId: d });
    expect((await send(app, [twiceInOne, twiceInOne])).json()).toEqual({ accepted: 1, duplicates: 1 });
    const [row] = await query<{ n: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS n FROM customer_events WHERE device_id = ${d}`,
    );
    expect(Number(row!.n)).toBe(7);
  });

  it('refuses unknown types, malformed ids, missing payload fields and too many events with field errors', async () => {
    const app = ctx();
    const d = device();
    const unknown = await send(app, [ev({ deviceId: d }), ev({ deviceId: d, type: 'points_earned' })], { lang: 'en' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('platform.validation');
    expect(unknown.json().errors.map((e: { field: string }) => e.field)).toEqual(['events.1.type']);

    const badId = await send(app, [ev({ deviceId: d, id: 'evt_01short' })]);
    expect(badId.json().errors[0].field).toBe('events.0.id');
    const noProduct = await send(app, [ev({ deviceId: d, payload: { variantId: 'var_x' } })]);
    expect(noProduct.json().errors[0].field).toBe('events.0.payload.productId');
    const cart = await send(app, [
      ev({ deviceId: d, type: 'cart_updated', payload: { variantId: 'var_x', quantity: -1 } }),
    ]);
    expect(cart.json().errors[0].field).toBe('events.0.payload.quantity');
    const listPayload = await send(app, [ev({ deviceId: d, payload: ['prd_1'] })]);
    expect(listPayload.json().errors[0].field).toBe('events.0.payload');
    const visitWithoutStore = await send(app, [
      ev({ deviceId: d, type: 'store_visited', channel: 'app', payload: {} }),
    ]);
    expect(visitWithoutStore.json().errors[0].field).toBe('events.0.locationId');
    const tooMany = await send(
      app,
      Array.from({ length: 1001 }, () => ev({ deviceId: d })),
    );
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().errors[0].field).toBe('events');
    expect(await send(app, [])).toMatchObject({ statusCode: 400 });
  });

  it('limits each payload to 4 KB, the body to 1 MB, and refuses events from the far future', async () => {
    const app = ctx();
    const d = device();
    const big = await send(
      app,
      [ev({ deviceId: d }), ev({ deviceId: d, payload: { productId: 'prd_x', note: 'あ'.repeat(1400) } })],
      { lang: 'en' },
    );
    expect(big.statusCode).toBe(400);
    expect(big.json()).toMatchObject({ code: 'events.payload_too_large', index: 1, limitBytes: 4096 });
    const body = await send(
      app,
      Array.from({ length: 400 }, () => ev({ deviceId: d, payload: { productId: 'prd_x', note: 'x'.repeat(3000) } })),
    );
    expect(body.statusCode).toBe(413);
    const future = await send(app, [
      ev({ deviceId: d, occurredAt: new Date(Date.now() + 3 * 86400_000).toISOString() }),
    ]);
    expect(future.json()).toMatchObject({ code: 'events.occurred_in_future', index: 0 });
    const [row] = await query<{ n: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS n FROM customer_events WHERE device_id = ${d}`,
    );
    expect(Number(row!.n)).toBe(0);
  });

  it('lets an anonymous device speak only for itself, on the web or in the app', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const d = device();
    const { customer } = await registerCustomer(app);
    expect((await send(app, [ev({ deviceId: d, customerId: customer.id })])).statusCode).toBe(403);
    expect((await send(app, [ev({ deviceId: d, channel: 'store', locationId: loc })])).statusCode).toBe(403);
    expect(
      (await send(app, [ev({ deviceId: d, type: 'member_scanned', channel: 'app', locationId: loc, payload: {} })]))
        .statusCode,
    ).toBe(403);
    expect((await send(app, [ev()])).json()).toMatchObject({ code: 'events.device_required', index: 0 });
    expect(
      (
        await send(app, [
          ev({ deviceId: d, channel: 'app', type: 'store_visited', locationId: 'loc_nowhere', payload: {} }),
        ])
      ).json().code,
    ).toBe('locations.not_found');
    const visit = await send(app, [
      ev({ deviceId: d, channel: 'app', type: 'store_visited', locationId: loc, payload: { trigger: 'geofence' } }),
    ]);
    expect(visit.statusCode).toBe(202);
  });

  it('takes a customer’s events as their own and refuses events for anybody else', async () => {
    const app = ctx();
    const me = await registerCustomer(app);
    const other = await registerCustomer(app);
    const mine = await send(
      app,
      [ev({ channel: 'app', type: 'favorited', payload: { productId: 'prd_1' } }), ev({ customerId: me.customer.id })],
      { token: me.token },
    );
    expect(mine.json()).toEqual({ accepted: 2, duplicates: 0 });
    const theirs = await send(app, [ev({ customerId: other.customer.id })], { token: me.token });
    expect(theirs.statusCode).toBe(403);
    const list = await timeline(app, '/api/account/timeline', me.token);
    expect(list.items.map((i) => i.type).sort()).toEqual(['favorited', 'product_viewed']);
    expect((await timeline(app, '/api/account/timeline', other.token)).items).toEqual([]);
  });

  it('lets staff record store events only where they work, for a customer or a device', async () => {
    const app = ctx();
    const [shibuya, shinjuku] = [await createTestLocation(app, { name: '渋谷店' }), await createTestLocation(app)];
    const clerk = await newStaff(app, 'staff', [shibuya]);
    const { customer } = await registerCustomer(app);
    const visit = (locationId: string, extra: Ev = {}) =>
      ev({ channel: 'store', type: 'store_visited', locationId, customerId: customer.id, payload: {}, ...extra });
    expect((await send(app, [visit(shibuya)], { token: clerk.token })).statusCode).toBe(202);
    expect((await send(app, [visit(shinjuku)], { token: clerk.token })).statusCode).toBe(403);
    expect((await send(app, [ev({ customerId: customer.id })], { token: clerk.token })).statusCode).toBe(403); // web event from a till
    const nobody = await send(app, [visit(shibuya, { customerId: undefined })], { token: clerk.token });
    expect(nobody.json().errors[0].field).toBe('events.0.customerId');
    expect((await send(app, [visit(shibuya, { customerId: 'cus_nobody' })], { token: clerk.token })).statusCode).toBe(
      404,
    );
    // A visit a till records itself does not open her profile to the till (events/context.ts) …
    expect((await app.api('GET', `/api/customers/${customer.id}/timeline`, { token: clerk.token })).statusCode).toBe(
      403,
    );
    // … head office sees it on her timeline.
    const list = await timeline(app, `/api/customers/${customer.id}/timeline`);
    expect(list.items).toMatchObject([
      { type: 'store_visited', channel: 'store', locationId: shibuya, locationName: '渋谷店' },
    ]);
    const [row] = await query<{ source: string }>(
      app.server.database.db,
      sql`SELECT source FROM customer_events WHERE id = ${list.items[0]!.id}`,
    );
    expect(row!.source).toBe(clerk.id);
  });

  it('files a till’s event for a merged member under the member it was merged into', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const survivor = (await app.api('POST', '/api/customers', { body: { name: '中村 蓮' } })).json().id as string;
    const merged = (await app.api('POST', '/api/customers', { body: { name: '中村 蓮' } })).json().id as string;
    expect(
      (await app.api('POST', `/api/customers/${survivor}/merge`, { body: { otherId: merged, reason: '同一人物' } }))
        .statusCode,
    ).toBe(201);
    const res = await send(
      app,
      [ev({ channel: 'store', type: 'store_visited', locationId: loc, customerId: merged, payload: {} })],
      { token: BOOTSTRAP },
    );
    expect(res.statusCode).toBe(202);
    expect((await timeline(app, `/api/customers/${survivor}/timeline?types=store_visited`)).items).toHaveLength(1);
  });

  it('stitches: what a device did before sign-up joins the new member, and what it sends later too', async () => {
    const app = ctx();
    const d = device();
    const before = [
      ev({ deviceId: d, occurredAt: new Date(Date.now() - 60_000).toISOString() }),
      ev({ deviceId: d, type: 'searched', payload: { q: 'レインコート' } }),
    ];
    expect((await send(app, before)).json().accepted).toBe(2);
    const { token, customer } = await registerCustomer(app, { deviceId: d });
    const after = ev({ deviceId: d, type: 'cart_updated', payload: { variantId: 'var_1', quantity: 1 } });
    expect((await send(app, [after])).statusCode).toBe(202); // anonymous again (e.g. the shop page before the session loads)
    const mine = await timeline(app, '/api/account/timeline', token);
    expect(mine.items.map((i) => i.id).sort()).toEqual([...before.map((e) => e.id), after.id].sort() as string[]);
    const staffView = await timeline(app, `/api/customers/${customer.id}/timeline`);
    expect(staffView.items.map((i) => i.type)).toEqual(['cart_updated', 'searched', 'product_viewed']);
  });

  it('stitches at login too: a second device’s history joins when she logs in on it', async () => {
    const app = ctx();
    const { customer, token } = await registerCustomer(app, { email: `aiko.${randomUUID().slice(0, 6)}@example.jp` });
    const tablet = device();
    const viewed = ev({ deviceId: tablet, channel: 'app' });
    await send(app, [viewed]);
    expect((await timeline(app, '/api/account/timeline', token)).items).toEqual([]);
    const login = await app.api('POST', '/api/customer-auth/login', {
      token: null,
      body: { email: customer.email, password: 'sakura-password-2026', deviceId: tablet },
    });
    expect(login.statusCode).toBe(200);
    expect((await timeline(app, '/api/account/timeline', token)).items.map((i) => i.id)).toEqual([viewed.id]);
    const later = ev({ deviceId: tablet, channel: 'app', type: 'favorited', payload: { productId: 'prd_2' } });
    await send(app, [later]);
    expect((await timeline(app, '/api/account/timeline', token)).items.map((i) => i.id)).toEqual([later.id, viewed.id]);
  });

  it('slows down a device or an address that sends too much (429 with Retry-After), and never a batch half-way', async () => {
    const app = ctx();
    const ip = '192.0.2.77';
    const d = device();
    const batch = (dev: string) => Array.from({ length: 1000 }, () => ev({ deviceId: dev }));
    expect((await send(app, batch(d), { ip })).statusCode).toBe(202);
    // 10 events a second flow back in: 200 more need ~20 s.
    const refused = await send(
      app,
      Array.from({ length: 200 }, () => ev({ deviceId: d })),
      { ip, lang: 'en' },
    );
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('events.rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // The same address with other devices, up to the address's own limit (5,000 at once).
    for (let i = 0; i < 4; i++) expect((await send(app, batch(device()), { ip })).statusCode).toBe(202);
    expect((await send(app, batch(device()), { ip })).statusCode).toBe(429);
    expect((await send(app, [ev({ deviceId: device() })], { ip: '192.0.2.78' })).statusCode).toBe(202);
  });
});

describeEachDatabase('timeline', (ctx) => {
  it('pages newest first without skipping or repeating events that share a moment, and filters by type', async () => {
    const app = ctx();
    const { customer, token } = await registerCustomer(app);
    const base = Date.now() - 3600_000;
    const same = new Date(base + 5 * 60_000).toISOString();
    const events = [
      ...Array.from({ length: 8 }, (_, i) =>
        ev({ occurredAt: new Date(base + i * 60_000).toISOString(), channel: i % 2 ? 'app' : 'web' }),
      ),
      ev({ occurredAt: same, type: 'searched', payload: { q: '傘' } }),
      ev({ occurredAt: same, type: 'searched', payload: { q: '長靴' } }),
    ];
    expect((await send(app, events, { token })).json().accepted).toBe(10);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await timeline(
        app,
        `/api/customers/${customer.id}/timeline?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(10);
    const expected = [...events]
      .sort((a, b) =>
        a.occurredAt === b.occurredAt ? (a.id! < b.id! ? 1 : -1) : a.occurredAt! < b.occurredAt! ? 1 : -1,
      )
      .map((e) => e.id);
    expect(seen).toEqual(expected);

    const searches = await timeline(app, `/api/account/timeline?types=searched`, token);
    expect(searches.items.map((i) => i.payload.q).sort()).toEqual(['傘', '長靴']);
    const bad = await app.api('GET', `/api/account/timeline?cursor=bm9wZQ`, { token });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('cursor');
    expect((await app.api('GET', `/api/account/timeline?limit=101`, { token })).statusCode).toBe(400);
  });

  it('never shows one customer another’s timeline, and needs a sign-in', async () => {
    const app = ctx();
    const aiko = await registerCustomer(app);
    const kenji = await registerCustomer(app);
    await send(app, [ev()], { token: aiko.token });
    expect(
      (await app.api('GET', `/api/customers/${aiko.customer.id}/timeline`, { token: kenji.token })).statusCode,
    ).toBe(403);
    expect(
      (await app.api('GET', `/api/customers/${aiko.customer.id}/timeline`, { token: aiko.token })).statusCode,
    ).toBe(403);
    expect((await app.api('GET', `/api/customers/${aiko.customer.id}/timeline`, { token: null })).statusCode).toBe(401);
    expect((await app.api('GET', '/api/account/timeline', { token: null })).statusCode).toBe(401);
    expect((await app.api('GET', '/api/account/timeline')).statusCode).toBe(403); // a staff token has no account
    expect((await app.api('GET', '/api/customers/cus_nobody/timeline')).statusCode).toBe(404);
    expect((await timeline(app, '/api/account/timeline', kenji.token)).items).toEqual([]);
  });
});
