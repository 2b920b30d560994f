import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { newId } from '../../platform/ids.ts';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  receive,
  registerCustomer,
  type TestApp,
  newStaff,
  BOOTSTRAP,
} from '../../test/harness.ts';
import { pointEntries } from '../loyalty/schema.ts';
import { issueMemberCode, memberCodeKey } from '../customers/service.ts';

async function memberCode(app: TestApp, token: string): Promise<string> {
  const res = await app.api('GET', '/api/account/member-code', { token });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  return res.json().code;
}

const resolve = (app: TestApp, token: string, body: Record<string, unknown>) =>
  app.api('POST', '/api/member-codes/resolve', { token, body });

function sendEvents(app: TestApp, token: string, events: Array<Record<string, unknown>>) {
  return app.api('POST', '/api/events', {
    token,
    body: {
      events: events.map((e) => ({ id: randomUUID(), occurredAt: new Date().toISOString(), channel: 'web', ...e })),
    },
  });
}

async function scans(app: TestApp, customerId: string) {
  return query<{ id: string; location_id: string; source: string; channel: string }>(
    app.server.database.db,
    sql`SELECT id, location_id, source, channel FROM customer_events WHERE customer_id = ${customerId} AND type = 'member_scanned'`,
  );
}

describeEachDatabase('member code at the till', (ctx) => {
  it('the app shows a code, the clerk scans it once, and the scan lands on the member’s timeline', async () => {
    const app = ctx();
    const shibuya = await createTestLocation(app, { name: '渋谷店' });
    const clerk = await newStaff(app, 'staff', [shibuya]);
    const { token, customer } = await registerCustomer(app, { name: '山田 花子' });
    const code = await memberCode(app, token);

    const card = await resolve(app, clerk.token, { locationId: shibuya, code });
    expect(card.statusCode, card.body).toBe(200);
    expect(card.json().customer).toMatchObject({
      id: customer.id,
      greeting: '山田様',
      memberNumber: customer.memberNumber,
      tier: 'regular',
      name: '山田 花子',
    });
    expect(card.json().scan).toMatchObject({ method: 'code', locationId: shibuya, locationName: '渋谷店' });

    const again = await resolve(app, clerk.token, { locationId: shibuya, code });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('member_code.already_used');
    expect(await scans(app, customer.id)).toMatchObject([
      { channel: 'store', location_id: shibuya, source: 'clienteling' },
    ]);
    const timeline = await app.api('GET', '/api/account/timeline?types=member_scanned', { token });
    expect(timeline.json().items).toMatchObject([
      {
        type: 'member_scanned',
        channel: 'store',
        locationId: shibuya,
        locationName: '渋谷店',
        payload: { method: 'code' },
      },
    ]);

    // A fresh code (the app re-fetches) works at once, even within the same 30 s.
    expect(
      (await resolve(app, clerk.token, { locationId: shibuya, code: await memberCode(app, token) })).statusCode,
    ).toBe(200);
  });

  it('two tills scanning the same code at the same moment: exactly one gets the card', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const { token, customer } = await registerCustomer(app);
    const code = await memberCode(app, token);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => resolve(app, 'test-bootstrap-token-0123456789', { locationId: loc, code })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    expect(await scans(app, customer.id)).toHaveLength(1);
  });

  it('refuses a tampered code, an expired one and garbage, with problems a clerk can act on', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const { token, customer } = await registerCustomer(app);
    const code = await memberCode(app, token);
    const tampered = code.replace(customer.id, customer.id.slice(0, -1) + (customer.id.endsWith('a') ? 'b' : 'a'));
    const bad = await resolve(app, 'test-bootstrap-token-0123456789', { locationId: loc, code: tampered });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('member_code.invalid');
    // A screenshot from two minutes ago: a genuine code of an old window.
    const old = issueMemberCode(memberCodeKey(app.server.secret), customer.id, Date.now() - 120_000).code;
    const expired = await app.api('POST', '/api/member-codes/resolve', {
      body: { locationId: loc, code: old },
      headers: { 'accept-language': 'en' },
    });
    expect(expired.statusCode).toBe(410);
    expect(expired.json()).toMatchObject({ code: 'member_code.expired', title: 'Member code expired' });
    expect(
      (
        await resolve(app, 'test-bootstrap-token-0123456789', { locationId: loc, code: 'https://example.com/phish' })
      ).json().code,
    ).toBe('member_code.invalid');
    expect(await scans(app, customer.id)).toHaveLength(0);
    // Nor a body that names the member two ways, or none.
    expect(
      (await resolve(app, 'test-bootstrap-token-0123456789', { locationId: loc, code, phone: '090-1234-5678' }))
        .statusCode,
    ).toBe(400);
    expect((await resolve(app, 'test-bootstrap-token-0123456789', { locationId: loc })).statusCode).toBe(400);
  });

  it('only staff at that store resolve codes, and only the member fetches her code', async () => {
    const app = ctx();
    const [here, there] = [await createTestLocation(app), await createTestLocation(app)];
    const clerk = await newStaff(app, 'staff', [here]);
    const { token } = await registerCustomer(app);
    const code = await memberCode(app, token);
    expect((await resolve(app, clerk.token, { locationId: there, code })).statusCode).toBe(403);
    expect((await resolve(app, token, { locationId: here, code })).statusCode).toBe(403);
    expect(
      (await app.api('POST', '/api/member-codes/resolve', { token: null, body: { locationId: here, code } }))
        .statusCode,
    ).toBe(401);
    expect((await app.api('GET', '/api/account/member-code', { token: clerk.token })).statusCode).toBe(403);
    expect((await app.api('GET', '/api/account/member-code', { token: null })).statusCode).toBe(401);
    expect((await resolve(app, clerk.token, { locationId: here, code })).statusCode).toBe(200); // still unused after the refusals
  });

  it('finds a member by plastic card, phone in any format or member number, and records each scan', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const card = `PC${newId('c').slice(-10).toUpperCase()}`;
    const phone = `080-${String(Math.floor(Math.random() * 9000) + 1000)}-${String(Math.floor(Math.random() * 9000) + 1000)}`;
    const created = await app.api('POST', '/api/customers', {
      body: { name: '田中 愛子', nameKana: 'たなか あいこ', phone, cardNumber: card },
    });
    const member = created.json() as { id: string; memberNumber: string };
    for (const body of [
      { cardNumber: card.toLowerCase() },
      { phone: `+81 ${phone.slice(1)}` },
      { memberNumber: member.memberNumber },
    ]) {
      const res = await resolve(app, 'test-bootstrap-token-0123456789', { locationId: loc, ...body });
      expect(res.statusCode, JSON.stringify(body)).toBe(200);
      expect(res.json().customer).toMatchObject({ id: member.id, greeting: '田中様' });
    }
    expect(await scans(app, member.id)).toHaveLength(3);
    const unknown = await resolve(app, 'test-bootstrap-token-0123456789', { locationId: loc, phone: '090-0000-0001' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('clienteling.member_not_found');
  });

  it('a code from before a merge finds the member she was merged into', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const online = await registerCustomer(app, { name: '中村 蓮' });
    const till = (await app.api('POST', '/api/customers', { body: { name: '中村 蓮' } })).json().id as string;
    const code = await memberCode(app, online.token);
    expect(
      (
        await app.api('POST', `/api/customers/${till}/merge`, {
          body: { otherId: online.customer.id, reason: '同一人物' },
        })
      ).statusCode,
    ).toBe(201);
    const res = await resolve(app, 'test-bootstrap-token-0123456789', { locationId: loc, code });
    expect(res.statusCode).toBe(200);
    expect(res.json().customer.id).toBe(till);
  });
});

describeEachDatabase('the clienteling card', (ctx) => {
  it('shows points, last visits, what she looked at online with stock at this store, her holds and the latest notes', async () => {
    const app = ctx();
    const shibuya = await createTestLocation(app, { name: '渋谷店' });
    const shinjuku = await createTestLocation(app, { name: '新宿店' });
    const clerk = await newStaff(app, 'staff', [shibuya], { name: '鈴木 一郎' });
    const jacket = await createTestProduct(app, { name: 'レインジャケット', variants: 2 });
    const boots = await createTestProduct(app, { name: 'レインブーツ' });
    const umbrella = await createTestProduct(app, { name: '折りたたみ傘' });
    const scarf = await createTestProduct(app, { name: 'ウールマフラー' });
    await receive(app, jacket.variantIds[1]!, shibuya, 3);
    await receive(app, boots.variantIds[0]!, shinjuku, 5); // only at the other store
    await receive(app, umbrella.variantIds[0]!, shibuya, 2);
    await receive(app, scarf.variantIds[0]!, shibuya, 4);

    const { token, customer } = await registerCustomer(app, { name: '田中 愛子' });
    const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    expect(
      (
        await sendEvents(app, token, [
          {
            type: 'product_viewed',
            occurredAt: ago(50),
            payload: { productId: jacket.productId, variantId: jacket.variantIds[1] },
          },
          {
            type: 'product_viewed',
            occurredAt: ago(45),
            payload: { productId: boots.productId, variantId: 'var_discontinued' },
          },
          { type: 'cart_updated', occurredAt: ago(40), payload: { variantId: boots.variantIds[0], quantity: 1 } },
          { type: 'favorited', occurredAt: ago(30), channel: 'app', payload: { productId: umbrella.productId } },
          {
            type: 'favorited',
            occurredAt: ago(20),
            channel: 'app',
            payload: { productId: umbrella.productId, removed: true },
          },
          { type: 'product_viewed', occurredAt: ago(10), payload: { productId: 'prd_unknown' } },
          {
            type: 'product_viewed',
            occurredAt: new Date(Date.now() - 40 * 86400_000).toISOString(),
            payload: { productId: scarf.productId },
          },
          { type: 'searched', occurredAt: ago(5), payload: { q: '傘' } },
        ])
      ).statusCode,
    ).toBe(202);
    await app.api('POST', '/api/events', {
      body: {
        events: [
          {
            id: randomUUID(),
            type: 'store_visited',
            channel: 'store',
            occurredAt: ago(3 * 24 * 60),
            locationId: shinjuku,
            customerId: customer.id,
            payload: {},
          },
        ],
      },
    });
    const db = app.server.database.db;
    for (const points of [500, -120]) {
      await db.insert(pointEntries).values({
        id: newId('pte'),
        customerId: customer.id,
        kind: points > 0 ? 'earn' : 'redeem',
        points,
        reference: newId('ref'),
      });
    }
    const hold = await app.api('POST', '/api/reservations', {
      body: {
        lines: [{ variantId: umbrella.variantIds[0], locationId: shibuya, quantity: 1 }],
        ttlSeconds: 3600,
        reason: 'hold',
        reference: customer.id,
      },
    });
    expect(hold.statusCode).toBe(201);
    // A hold on a jacket that lapsed a moment ago (not swept yet) must not hide the jacket from the card.
    const lapsing = await app.api('POST', '/api/reservations', {
      body: {
        lines: [{ variantId: jacket.variantIds[1], locationId: shibuya, quantity: 1 }],
        ttlSeconds: 1,
        reason: 'hold',
      },
    });
    expect(lapsing.statusCode).toBe(201);
    for (let i = 1; i <= 6; i++) {
      expect(
        (
          await app.api('POST', `/api/customers/${customer.id}/notes`, {
            token: clerk.token,
            body: { body: `メモ ${i}`, locationId: shibuya },
          })
        ).statusCode,
      ).toBe(201);
    }

    // お気に入り: she keeps the scarf (4 on this store's shelf).
    expect((await app.api('PUT', `/api/account/favourites/${scarf.productId}`, { token })).statusCode).toBe(201);

    await new Promise((r) => setTimeout(r, 1100));
    const res = await resolve(app, clerk.token, { locationId: shibuya, code: await memberCode(app, token) });
    expect(res.statusCode, res.body).toBe(200);
    const card = res.json();
    expect(card.points).toEqual({ balance: 380 });
    expect(card.favourites).toMatchObject({
      count: 1,
      items: [{ productId: scarf.productId, available: 4, badge: 'in_stock' }],
    });
    expect(card.lastVisits.map((v: { channel: string }) => v.channel)).toEqual(['store', 'app', 'web']);
    expect(card.lastVisits[0]).toMatchObject({ type: 'store_visited', locationId: shinjuku, locationName: '新宿店' }); // not this scan
    expect(Math.abs(Date.parse(card.lastVisits[0].at) - Date.parse(ago(3 * 24 * 60)))).toBeLessThan(60_000);
    expect(card.lastVisits[2]).toMatchObject({ type: 'searched' });

    const byName = Object.fromEntries(card.interests.map((i: { productName: string }) => [i.productName, i]));
    expect(card.interests.map((i: { productName: string }) => i.productName)).toEqual([
      '折りたたみ傘',
      'レインブーツ',
      'レインジャケット',
    ]);
    expect(byName['レインジャケット']).toMatchObject({
      viewed: true,
      inCart: false,
      inStock: true,
      available: 3,
      variants: [{ variantId: jacket.variantIds[1], available: 3 }],
    });
    expect(byName['レインブーツ']).toMatchObject({
      inCart: true,
      inStock: false,
      available: 0,
      variants: [{ variantId: boots.variantIds[0], inCart: true }],
    });
    // …and the clerk can say where: the nearest store that has it
    expect(byName['レインブーツ']!.nearby).toMatchObject({ locationId: shinjuku, available: 5 });
    expect(byName['レインブーツ']!.nearby.distanceKm).toBeGreaterThanOrEqual(0);
    // Unfavourited since, and one of her two umbrellas is on hold for her: one left to sell.
    expect(byName['折りたたみ傘']).toMatchObject({ favorited: false, inStock: true, available: 1 });

    expect(Date.parse(card.holds[0].expiresAt)).toBeGreaterThan(Date.now());
    expect(card.holds).toMatchObject([
      {
        id: hold.json().id,
        reason: 'hold',
        lines: [
          { variantId: umbrella.variantIds[0], productName: '折りたたみ傘', locationName: '渋谷店', quantity: 1 },
        ],
      },
    ]);
    expect(card.notes.map((n: { body: string }) => n.body)).toEqual(['メモ 6', 'メモ 5', 'メモ 4', 'メモ 3', 'メモ 2']);
    expect(card.notes[0]).toMatchObject({ staffId: clerk.id, staffName: '鈴木 一郎', locationId: shibuya });
  });

  it('a new member’s card is simply empty', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const { token } = await registerCustomer(app, { name: 'Hanako' });
    const card = (
      await resolve(app, 'test-bootstrap-token-0123456789', { locationId: loc, code: await memberCode(app, token) })
    ).json();
    expect(card).toMatchObject({
      points: { balance: 0 },
      lastVisits: [],
      interests: [],
      holds: [],
      notes: [],
      purchases: [],
      collections: [],
    });
    expect(card.customer.greeting).toBe('Hanako様');
  });

  it('shows what she bought with the size and colour of each line, and her hold waiting at another store’s counter', async () => {
    const app = ctx();
    const shibuya = await createTestLocation(app, { name: '渋谷店' });
    const harajuku = await createTestLocation(app, { name: '原宿店' });
    const jacket = await createTestProduct(app, { name: 'ウールジャケット', variants: 2 });
    const [m, l] = jacket.variantIds as [string, string];
    for (const [id, options] of [
      [m, { カラー: 'ネイビー', サイズ: 'M' }],
      [l, { カラー: 'ネイビー', サイズ: 'L' }],
    ] as const)
      expect((await app.api('PATCH', `/api/variants/${id}`, { body: { options } })).statusCode).toBe(200);
    await receive(app, m, shibuya, 3);
    await receive(app, l, harajuku, 3);
    const { token, customer } = await registerCustomer(app);
    const sale = await app.api('POST', '/api/pos/sales', {
      body: {
        locationId: shibuya,
        lines: [{ jan: jacket.jans[0], quantity: 1 }],
        memberNumber: customer.memberNumber,
        payments: [{ method: 'cash', amount: 1100, tendered: 1100 }],
        clientTransactionId: 'card-history-1',
      },
    });
    expect(sale.statusCode, sale.body).toBe(201);
    const held = await app.api('POST', '/api/account/holds', { token, body: { variantId: l, locationId: harajuku } });
    expect(held.statusCode, held.body).toBe(201);

    const card = (await resolve(app, BOOTSTRAP, { locationId: shibuya, code: await memberCode(app, token) })).json();
    // The hold is not bought until she collects it: it waits under collections, not in her purchases.
    expect(card.purchases).toEqual([
      expect.objectContaining({
        orderId: sale.json().order.id,
        channel: 'store',
        locationName: '渋谷店',
        name: 'ウールジャケット',
        options: { カラー: 'ネイビー', サイズ: 'M' },
        quantity: 1,
        returnedQuantity: 0,
      }),
    ]);
    expect(card.collections).toEqual([
      expect.objectContaining({
        orderId: held.json().id,
        type: 'hold',
        status: 'placed',
        locationName: '原宿店',
        deadline: expect.any(String),
        lines: [{ name: 'ウールジャケット', options: { カラー: 'ネイビー', サイズ: 'L' }, quantity: 1 }],
      }),
    ]);
  });

  it('after head office merges her second record, its hold and its purchases are on her card', async () => {
    const app = ctx();
    const shibuya = await createTestLocation(app, { name: '渋谷店' });
    const jacket = await createTestProduct(app, { name: 'ウールジャケット', variants: 2 });
    const [m, l] = jacket.variantIds as [string, string];
    await receive(app, m, shibuya, 3);
    await receive(app, l, shibuya, 3);
    const her = await registerCustomer(app, { name: '佐藤 美咲' });
    const twin = await registerCustomer(app, { name: '佐藤 美咲' });
    // Under her other record: a till sale, and a hold (取り置き) waiting at 渋谷店.
    const sale = await app.api('POST', '/api/pos/sales', {
      body: {
        locationId: shibuya,
        lines: [{ jan: jacket.jans[0], quantity: 1 }],
        memberNumber: twin.customer.memberNumber,
        payments: [{ method: 'cash', amount: 1100, tendered: 1100 }],
        clientTransactionId: 'card-merged-1',
      },
    });
    expect(sale.statusCode, sale.body).toBe(201);
    const held = await app.api('POST', '/api/account/holds', {
      token: twin.token,
      body: { variantId: l, locationId: shibuya },
    });
    expect(held.statusCode, held.body).toBe(201);
    const merged = await app.api('POST', `/api/customers/${her.customer.id}/merge`, {
      body: { otherId: twin.customer.id, reason: '同一人物' },
    });
    expect(merged.statusCode, merged.body).toBe(201);

    const card = (
      await resolve(app, BOOTSTRAP, { locationId: shibuya, code: await memberCode(app, her.token) })
    ).json();
    expect(card.customer.id).toBe(her.customer.id);
    expect(card.purchases.map((p: { orderId: string }) => p.orderId)).toEqual([sale.json().order.id]);
    expect(card.collections.map((c: { orderId: string }) => c.orderId)).toEqual([held.json().id]);
  });
});

describeEachDatabase('staff notes', (ctx) => {
  it('staff leave notes on a member and page through them; customers never see or write them', async () => {
    const app = ctx();
    const [here, there] = [await createTestLocation(app), await createTestLocation(app)];
    const clerk = await newStaff(app, 'staff', [here]);
    const { token, customer } = await registerCustomer(app);
    for (let i = 1; i <= 5; i++)
      await app.api('POST', `/api/customers/${customer.id}/notes`, {
        token: clerk.token,
        body: { body: `サイズは M ${i}` },
      });
    // Another store's clerk, or this one before she is their customer today, reads none of them.
    const elsewhere = await newStaff(app, 'staff', [there], { name: '高橋 真' });
    for (const t of [clerk.token, elsewhere.token]) {
      const res = await app.api('GET', `/api/customers/${customer.id}/notes`, { token: t });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('customer.out_of_context');
    }
    // A member number typed in is not her being here (it is on every receipt) …
    expect(
      (await resolve(app, clerk.token, { locationId: here, memberNumber: customer.memberNumber })).statusCode,
    ).toBe(200);
    expect((await app.api('GET', `/api/customers/${customer.id}/notes`, { token: clerk.token })).statusCode).toBe(403);
    // … her app's member QR is.
    expect((await resolve(app, clerk.token, { locationId: here, code: await memberCode(app, token) })).statusCode).toBe(
      200,
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await app.api(
        'GET',
        `/api/customers/${customer.id}/notes?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: clerk.token },
      );
      expect(page.statusCode).toBe(200);
      seen.push(...page.json().items.map((n: { body: string }) => n.body));
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(seen).toEqual(['サイズは M 5', 'サイズは M 4', 'サイズは M 3', 'サイズは M 2', 'サイズは M 1']);
    expect(
      (
        await app.api('POST', `/api/customers/${customer.id}/notes`, {
          token: clerk.token,
          body: { body: 'x', locationId: there },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await app.api('POST', `/api/customers/${customer.id}/notes`, { token: clerk.token, body: { body: '   ' } }))
        .statusCode,
    ).toBe(400);
    expect(
      (await app.api('POST', `/api/customers/${customer.id}/notes`, { token, body: { body: 'x' } })).statusCode,
    ).toBe(403);
    expect((await app.api('GET', `/api/customers/${customer.id}/notes`, { token })).statusCode).toBe(403);
    expect((await app.api('GET', `/api/customers/cus_nobody/notes`, { token: clerk.token })).statusCode).toBe(404);
  });
});
