import { inflateRawSync } from 'node:zlib';
import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { query } from './platform/db/connection.ts';
import { locations, type OpeningHours } from './modules/locations/schema.ts';
import { TEST_CARDS } from './modules/payments/service.ts';
import { tokyoDate } from './modules/orders/slots.ts';
import {
  createTestLocation,
  createTestProduct,
  deliverEvents,
  describeEachDatabase,
  receive,
  registerCustomer,
  type TestApp,
} from './test/harness.ts';
import { classifiedColumns, personalColumns } from './test/personal-columns.ts';
import { tableChanged } from './platform/db/table-cache.ts';

const day = { open: '00:00', close: '00:00' };
const allDay: OpeningHours = { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day };
const her = {
  name: '佐藤 美咲',
  nameKana: 'さとう みさき',
  phone: '090-7777-1234',
  line1: '神南9-8-7 むすびハイツ305',
};
const home = {
  postalCode: '150-0041',
  prefecture: '東京都',
  city: '渋谷区',
  line1: her.line1,
  name: her.name,
  phone: her.phone,
  lat: 35.6708,
  lng: 139.7041,
};
const noonTomorrow = () => `${tokyoDate(new Date(Date.now() + 86400_000))}T03:00:00.000Z`;

/** The files of a ZIP, read from its local headers (what the export writes: sizes known up front). */
function unzip(zip: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let at = 0;
  while (zip.readUInt32LE(at) === 0x04034b50) {
    const method = zip.readUInt16LE(at + 8);
    const packed = zip.readUInt32LE(at + 18);
    const nameLength = zip.readUInt16LE(at + 26);
    const extra = zip.readUInt16LE(at + 28);
    const name = zip.subarray(at + 30, at + 30 + nameLength).toString('utf8');
    const start = at + 30 + nameLength + extra;
    const body = zip.subarray(start, start + packed);
    files.set(name, method === 8 ? inflateRawSync(body) : Buffer.from(body));
    at = start + packed;
  }
  return files;
}

/** Totals that must not move when she is erased: money, points, wallet, stock. */
async function ledgerSums(app: TestApp) {
  const [row] = await query<Record<string, string>>(
    app.server.database.db,
    sql`SELECT (SELECT coalesce(sum(total), 0) FROM orders)::text AS orders,
               (SELECT count(*) FROM order_lines)::text AS order_lines,
               (SELECT coalesce(sum(total), 0) FROM order_lines)::text AS line_totals,
               (SELECT coalesce(sum(amount), 0) FROM payments)::text AS payments,
               (SELECT coalesce(sum(refund_total), 0) FROM returns)::text AS refunds,
               (SELECT coalesce(sum(points), 0) FROM point_entries)::text AS points,
               (SELECT coalesce(sum(remaining), 0) FROM point_lots)::text AS lots,
               (SELECT coalesce(sum(amount), 0) FROM wallet_entries)::text AS wallet,
               (SELECT coalesce(sum(quantity), 0) FROM stock_movements)::text AS moved,
               (SELECT coalesce(sum(on_hand), 0) FROM stock_levels)::text AS on_hand`,
  );
  return row;
}

/** Every text, varchar and jsonb column of the database holding `needle`: `table.column` per hit. */
async function columnsHolding(app: TestApp, needle: string): Promise<string[]> {
  const db = app.server.database.db;
  const columns = await query<{ table_name: string; column_name: string }>(
    db,
    sql`SELECT table_name, column_name FROM information_schema.columns
         WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`,
  );
  const hits: string[] = [];
  for (const c of columns) {
    const [row] = await query<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM ${sql.identifier(c.table_name)}
           WHERE position(${needle}::text IN ${sql.identifier(c.column_name)}::text) > 0`,
    );
    if (row!.n > 0) hits.push(`${c.table_name}.${c.column_name}`);
  }
  return hits;
}

describeEachDatabase('personal data: complete export and erasure', (ctx) => {
  it('every column of the database is classified (personal, kept under the pseudonym, or none)', async () => {
    const rows = await query<{ table_name: string; column_name: string }>(
      ctx().server.database.db,
      sql`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const actual = new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
    const classified = classifiedColumns();
    // A new column must be classified in server/src/test/personal-columns.ts (and exported and erased if personal).
    expect([...actual].filter((c) => !classified.has(c)).sort(), 'columns not classified').toEqual([]);
    expect([...classified].filter((c) => !actual.has(c)).sort(), 'classified columns that no longer exist').toEqual([]);
    for (const [table, c] of Object.entries(personalColumns)) {
      const twice = Object.keys(c.personal ?? {}).filter((k) => c.kept?.[k] !== undefined || c.none?.includes(k));
      expect(twice, `${table}: classified twice`).toEqual([]);
    }
  });

  it('a member with a delivery, a till sale, a return, points, wallet, consents, notes and events: the export holds all of it; deletion leaves no trace of her and every sum unchanged', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    await app.server.database.db
      .update(locations)
      .set({
        openingHours: allDay,
        services: { pickup: true, orderAhead: false, deliveryRadiusKm: 3, shipping: false },
      })
      .where(eq(locations.id, store));
    tableChanged(app.server.database.db, 'locations'); // kept in memory by the server: read again
    const {
      productId,
      variantIds: [variantId],
      jans: [jan],
    } = await createTestProduct(app);
    await receive(app, variantId!, store, 10);
    const { token, customer } = await registerCustomer(app, {
      ...her,
      birthday: '1990-04-01',
      deviceId: 'dev-privacy-0001',
    });
    const email = customer.email;
    const ok = (res: { statusCode: number; body: string }, status = 200) =>
      expect(res.statusCode, res.body).toBe(status);

    ok(
      await app.api('PUT', '/api/account/consents', {
        token,
        body: { items: [{ channel: 'email', purpose: 'marketing', granted: true }] },
      }),
    );
    ok(await app.api('PUT', '/api/account/pin', { token, body: { pin: '4821' } }));
    ok(
      await app.api('POST', '/api/events', {
        token,
        body: {
          events: [
            {
              id: 'evt-privacy-000000001',
              type: 'searched',
              occurredAt: new Date().toISOString(),
              channel: 'web',
              payload: { q: `${her.line1} 近く` },
            },
          ],
        },
      }),
      202,
    );
    // a web delivery, paid by card
    const cart = (await app.api('GET', '/api/account/cart', { token })).json();
    ok(await app.api('POST', `/api/carts/${cart.id}/lines`, { token, body: { variantId, quantity: 2 } }));
    ok(
      await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, {
        token,
        body: { type: 'delivery', address: home, slotStart: noonTomorrow() },
      }),
    );
    const placed = await app.api('POST', `/api/carts/${cart.id}/checkout`, {
      token,
      body: { payment: { method: 'card', card: { number: TEST_CARDS.approved } } },
      headers: { 'idempotency-key': `privacy-${cart.id}` },
    });
    ok(placed, 201);
    // a till sale under her member number, and a return of part of it
    const sale = await app.api('POST', '/api/pos/sales', {
      body: {
        locationId: store,
        lines: [{ jan, quantity: 2 }],
        memberNumber: customer.memberNumber,
        payments: [{ method: 'cash', amount: 2200, tendered: 3000 }],
        clientTransactionId: 'privacy-till-1',
      },
      headers: { 'idempotency-key': 'privacy-till-1' },
    });
    ok(sale, 201);
    const till = sale.json().order ?? sale.json();
    const returned = await app.api('POST', `/api/orders/${till.id}/returns`, {
      body: { lines: [{ orderLineId: till.lines[0].id, quantity: 1 }], locationId: store, reason: 'サイズ違い' },
    });
    ok(returned, 201);
    ok(
      await app.api('POST', '/api/loyalty/transactions', {
        body: { customerId: customer.id, kind: 'earn', points: 300, reason: 'お詫び', reference: 'privacy' },
      }),
      201,
    );
    ok(
      await app.api('POST', '/api/wallet/transactions', {
        body: { customerId: customer.id, kind: 'top_up', amount: 3000, method: 'cash', reference: 'privacy-top' },
      }),
      201,
    );
    ok(
      await app.api('POST', `/api/customers/${customer.id}/notes`, {
        body: { body: `${her.name}様 ${her.phone} に在庫連絡`, locationId: store },
      }),
      201,
    );
    // her address book (お届け先)
    const { lat: _lat, lng: _lng, ...homeFields } = home;
    ok(await app.api('POST', '/api/account/addresses', { token, body: { ...homeFields, label: '自宅' } }), 201);
    // a review of what she bought at the till, signed with her name, and a helpful vote from her on another's
    const review = await app.api('POST', '/api/account/reviews', {
      token,
      body: { productId, rating: 5, title: '着心地が良い', body: `${her.line1}から通っています`, nickname: her.name },
    });
    ok(review, 201);
    // she had signed up twice: the other record's delivery is hers once head office merges it into her
    const twin = await registerCustomer(app, { name: her.name, nameKana: her.nameKana });
    const twinCart = (await app.api('GET', '/api/account/cart', { token: twin.token })).json();
    ok(await app.api('PUT', `/api/account/favourites/${productId}`, { token: twin.token }), 201);
    ok(
      await app.api('POST', `/api/carts/${twinCart.id}/lines`, { token: twin.token, body: { variantId, quantity: 1 } }),
    );
    ok(
      await app.api('PUT', `/api/carts/${twinCart.id}/fulfilment`, {
        token: twin.token,
        body: { type: 'delivery', address: home, slotStart: noonTomorrow() },
      }),
    );
    ok(
      await app.api('POST', `/api/carts/${twinCart.id}/checkout`, {
        token: twin.token,
        body: { payment: { method: 'card', card: { number: TEST_CARDS.approved } } },
      }),
      201,
    );
    ok(
      await app.api('POST', `/api/customers/${customer.id}/merge`, {
        body: { otherId: twin.customer.id, reason: `同一人物 (電話 ${her.phone})` },
      }),
      201,
    );
    // a mistyped password: the guessing counter is keyed by her e-mail
    const wrong = await app.api('POST', '/api/customer-auth/login', {
      token: null,
      body: { email, password: 'not-her-password' },
    });
    expect(wrong.statusCode).toBe(401);
    await deliverEvents(app);

    // 開示請求: the JSON
    const exported = await app.api('POST', '/api/account/export', { token });
    ok(exported);
    const data = exported.json();
    expect(data.profile).toMatchObject({ name: her.name, memberNumber: customer.memberNumber });
    expect(data.identifiers.map((i: { kind: string }) => i.kind)).toEqual(expect.arrayContaining(['email', 'phone']));
    expect(data.events.length).toBeGreaterThan(0);
    expect(data.orders).toHaveLength(3); // hers and the merged record's
    const delivery = data.orders.find((o: { id: string }) => o.id === placed.json().id);
    expect(delivery.lines).toHaveLength(1);
    expect(delivery.fulfilments[0].address).toMatchObject({ line1: her.line1, name: her.name, phone: her.phone });
    expect(data.returns).toHaveLength(1);
    expect(data.points.entries.length).toBeGreaterThan(0);
    expect(data.wallet.entries).toHaveLength(1);
    expect(
      data.consents.items.find(
        (c: { channel: string; purpose: string }) => c.channel === 'email' && c.purpose === 'marketing',
      ).granted,
    ).toBe(true);
    expect(data.staffNotes).toHaveLength(1);
    expect(data.favourites).toEqual([{ productId, addedAt: expect.any(String) }]); // the merged record's, moved to her
    expect(data.reviews).toEqual([expect.objectContaining({ productId, nickname: her.name, rating: 5 })]);
    expect(data.notices.length).toBeGreaterThan(0);
    expect(data.messages.some((m: { recipient: string }) => m.recipient === email)).toBe(true);
    expect(data.carts.length).toBeGreaterThan(0);
    expect(data.addresses).toEqual([expect.objectContaining({ label: '自宅', line1: her.line1, phone: her.phone })]);
    expect(data.sessions.length).toBeGreaterThan(0);

    // …and the ZIP head office downloads for her: export.json and one CSV per section
    const zip = await app.api('POST', `/api/customers/${customer.id}/export.zip`);
    ok(zip);
    expect(zip.headers['content-type']).toBe('application/zip');
    expect(zip.headers['content-disposition']).toBe(`attachment; filename="musubi-${customer.memberNumber}.zip"`);
    const files = unzip(zip.rawPayload);
    expect(JSON.parse(files.get('export.json')!.toString('utf8')).orders).toHaveLength(3);
    for (const name of [
      'profile.csv',
      'identifiers.csv',
      'events.csv',
      'orders.csv',
      'orders.lines.csv',
      'orders.fulfilments.csv',
      'orders.payments.csv',
      'returns.csv',
      'points.entries.csv',
      'wallet.entries.csv',
      'consents.items.csv',
      'staffNotes.csv',
      'notices.csv',
      'messages.csv',
      'carts.csv',
      'sessions.csv',
    ])
      expect(files.has(name), `${name} in ${[...files.keys()].join(' ')}`).toBe(true);
    const csv = (name: string) => files.get(name)!.toString('utf8');
    expect(csv('profile.csv').startsWith('\uFEFF')).toBe(true);
    expect(csv('profile.csv')).toContain(her.name);
    expect(csv('orders.fulfilments.csv')).toContain(her.line1);
    expect(csv('orders.fulfilments.csv').split('\r\n')[0]).toContain('address.line1');
    expect(csv('staffNotes.csv')).toContain(her.phone);

    // 利用停止・消去 (first, the search finds her where she is)
    expect(await columnsHolding(app, her.line1)).toEqual(
      expect.arrayContaining([
        'fulfilments.address',
        'carts.fulfilment',
        'customer_events.payload',
        'customer_addresses.line1',
      ]),
    );
    expect(await columnsHolding(app, email)).toEqual(
      expect.arrayContaining(['customer_identifiers.value', 'outbox.recipient', 'login_attempts.key']),
    );
    expect(await columnsHolding(app, her.name)).toEqual(
      expect.arrayContaining(['customers.name', 'staff_notes.body', 'idempotency_keys.response_body']),
    );
    expect(await columnsHolding(app, her.phone)).toEqual(
      expect.arrayContaining(['customer_merges.reason', 'audit_log.detail', 'staff_notes.body', 'fulfilments.address']),
    );
    const before = await ledgerSums(app);
    const deleted = await app.api('POST', `/api/customers/${customer.id}/delete`, {
      body: { reason: '本人からの消去請求' },
    });
    ok(deleted);
    expect(deleted.json().erased).toMatchObject({
      deliveryAddresses: 2, // hers and the merged record’s
      favourites: 1,
      reviews: 1,
      notices: expect.any(Number),
      messages: expect.any(Number),
    });
    expect(await ledgerSums(app)).toEqual(before);
    for (const needle of [
      her.name,
      her.nameKana,
      email,
      her.phone,
      her.phone.replaceAll('-', ''),
      her.line1,
      'dev-privacy-0001',
    ])
      expect(await columnsHolding(app, needle), needle).toEqual([]);
    const [row] = await query<{ pin_hash: string | null; password_hash: string | null }>(
      app.server.database.db,
      sql`SELECT pin_hash, password_hash FROM customers WHERE id = ${customer.id}`,
    );
    expect(row).toEqual({ pin_hash: null, password_hash: null });
  });
});
