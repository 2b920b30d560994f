import { expect, it } from 'vitest';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  newStaff,
  receive,
  type TestApp,
} from '../../test/harness.ts';

/**
 * 店舗設定 (issue 11 §5): head office changes any store, a store manager her own store's hours, services,
 * pickup days and printer, a clerk only reads; every change is in the audit trail with what each field was
 * and became, written with the change (a refused change leaves neither).
 */

const week = {
  mon: { open: '10:00', close: '21:00' },
  tue: null,
  wed: null,
  thu: null,
  fri: null,
  sat: null,
  sun: null,
};

async function trail(app: TestApp, owner: string, query: string) {
  const res = await app.api('GET', `/api/audit?${query}`, { token: owner });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as Array<{
    action: string;
    actor: string;
    subjectId: string;
    locationId: string;
    detail: any;
  }>;
}

describeEachDatabase('store settings and their audit trail', (ctx) => {
  it('head office changes a store’s hours and delivery radius; the trail says what each was and became', async () => {
    const app = ctx();
    const store = await createTestLocation(app, { name: '結び 自由が丘店' });
    const owner = await newStaff(app, 'owner', []);
    const hq = await newStaff(app, 'hq', [], { name: '森 芽衣' });
    const res = await app.api('PATCH', `/api/locations/${store}`, {
      token: hq.token,
      body: {
        openingHours: { ...week, mon: { open: '09:00', close: '21:00' }, sat: { open: '10:00', close: '18:00' } },
        services: { pickup: true, orderAhead: false, deliveryRadiusKm: 3.5, shipping: false },
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ services: { deliveryRadiusKm: 3.5 }, openingHours: { sat: { open: '10:00' } } });

    const [row, ...rest] = await trail(app, owner.token, `locationId=${store}&action=location.updated`);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ actor: hq.id, subjectId: store, locationId: store });
    expect(row!.detail.changes).toEqual({
      'openingHours.mon': { from: { open: '10:00', close: '21:00' }, to: { open: '09:00', close: '21:00' } },
      'openingHours.sat': { from: null, to: { open: '10:00', close: '18:00' } },
      'services.deliveryRadiusKm': { from: null, to: 3.5 },
    });

    // The same again changes nothing, and the trail gets no row.
    const again = await app.api('PATCH', `/api/locations/${store}`, {
      token: hq.token,
      body: { services: { pickup: true, orderAhead: false, deliveryRadiusKm: 3.5, shipping: false } },
    });
    expect(again.statusCode).toBe(200);
    expect(await trail(app, owner.token, `locationId=${store}&action=location.updated`)).toHaveLength(1);
  });

  it('a store manager changes her own store’s running, not its name, and not another store; a clerk only reads', async () => {
    const app = ctx();
    const mine = await createTestLocation(app);
    const other = await createTestLocation(app);
    const owner = await newStaff(app, 'owner', []);
    const manager = await newStaff(app, 'store_manager', [mine], { name: '高橋 葵' });
    const clerk = await newStaff(app, 'staff', [mine]);

    const ok = await app.api('PATCH', `/api/locations/${mine}`, {
      token: manager.token,
      body: { pickupDays: 3, phone: '03-1111-2222', openingHours: { ...week, tue: { open: '10:00', close: '19:00' } } },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ pickupDays: 3, phone: '03-1111-2222' });

    const name = await app.api('PATCH', `/api/locations/${mine}`, {
      token: manager.token,
      body: { name: '勝手な店名', phone: '03-9999-9999' },
    });
    expect(name.statusCode).toBe(403);
    expect(name.headers['content-type']).toContain('application/problem+json');
    expect(name.json().detail).toContain('本部');
    const nameEn = await app.api('PATCH', `/api/locations/${mine}`, {
      token: manager.token,
      headers: { 'accept-language': 'en' },
      body: { name: 'Mine now' },
    });
    expect(nameEn.statusCode).toBe(403);
    expect(nameEn.json().detail).toContain('Head office');

    const elsewhere = await app.api('PATCH', `/api/locations/${other}`, {
      token: manager.token,
      body: { pickupDays: 2 },
    });
    expect(elsewhere.statusCode).toBe(403);
    const clerkTry = await app.api('PATCH', `/api/locations/${mine}`, { token: clerk.token, body: { pickupDays: 5 } });
    expect(clerkTry.statusCode).toBe(403);
    const printerTry = await app.api('PUT', `/api/locations/${other}/receipt-printer`, {
      token: manager.token,
      body: { host: '192.168.1.50' },
    });
    expect(printerTry.statusCode).toBe(403);

    // Nothing refused reached the store or the trail.
    const now = (await app.api('GET', `/api/locations/${mine}`, { token: null })).json();
    expect(now).toMatchObject({ name: expect.not.stringContaining('勝手'), phone: '03-1111-2222', pickupDays: 3 });
    expect((await app.api('GET', `/api/locations/${other}`, { token: null })).json().pickupDays).toBeNull();
    const rows = await trail(app, owner.token, `actor=${manager.id}`);
    expect(rows.map((r) => r.action)).toEqual(['location.updated']);
    expect(rows[0]!.detail.changes).toMatchObject({
      pickupDays: { from: null, to: 3 },
      phone: { from: '', to: '03-1111-2222' },
      'openingHours.tue': { from: null, to: { open: '10:00', close: '19:00' } },
    });
  });

  it('refuses bad settings field by field in the caller’s language, never a 500', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const cases: Array<[unknown, string, string]> = [
      [{ pickupDays: 0 }, 'pickupDays', '受け取り期限は 1〜60 日です'],
      [{ pickupDays: 2.5 }, 'pickupDays', '受け取り期限は 1〜60 日です'],
      [
        { services: { pickup: true, orderAhead: false, deliveryRadiusKm: 0, shipping: false } },
        'services.deliveryRadiusKm',
        '配達範囲は 50 km までの正の数です',
      ],
      [{ openingHours: { ...week, mon: { open: '9:00', close: '21:00' } } }, 'openingHours.mon.open', '時刻は'],
      [{ openingHours: { mon: null } }, 'openingHours.tue', ''],
      [{ phone: '0'.repeat(21) }, 'phone', ''],
    ];
    for (const [body, field, message] of cases) {
      const res = await app.api('PATCH', `/api/locations/${store}`, { body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const err = (res.json().errors as Array<{ field: string; message: string }>).find((e) => e.field === field);
      expect(err?.message, JSON.stringify(res.json())).toContain(message);
    }
    const en = await app.api('PATCH', `/api/locations/${store}`, {
      body: { pickupDays: 61 },
      headers: { 'accept-language': 'en' },
    });
    expect(en.json().errors).toEqual([{ field: 'pickupDays', message: 'Pickup days are 1 to 60' }]);
    const missing = await app.api('PATCH', '/api/locations/loc_nope', { body: { pickupDays: 3 } });
    expect(missing.statusCode).toBe(404);
  });

  it('a refused change writes no audit row: a store code already taken leaves the store and the trail as they were', async () => {
    const app = ctx();
    const a = await createTestLocation(app);
    const b = await createTestLocation(app);
    const owner = await newStaff(app, 'owner', []);
    const codeOfA = (await app.api('GET', `/api/locations/${a}`, { token: null })).json().code as string;
    const res = await app.api('PATCH', `/api/locations/${b}`, { body: { code: codeOfA, phone: '03-0000-0000' } });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('locations.code_taken');
    expect((await app.api('GET', `/api/locations/${b}`, { token: null })).json().phone).toBe('');
    expect(await trail(app, owner.token, `locationId=${b}`)).toEqual([]);
  });

  it('the printer and the slot capacity a manager sets are in the trail, before and after', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const owner = await newStaff(app, 'owner', []);
    const manager = await newStaff(app, 'store_manager', [store]);
    const put = (body: object) =>
      app.api('PUT', `/api/locations/${store}/receipt-printer`, { token: manager.token, body });
    expect((await put({ host: '192.168.1.50' })).statusCode).toBe(200);
    expect((await put({ host: '192.168.1.51', port: 9100, drawerKick: false })).statusCode).toBe(200);
    expect((await put({ host: '192.168.1.51', port: 9100, drawerKick: false })).statusCode).toBe(200); // no change
    const slots = await app.api('PUT', `/api/locations/${store}/slot-settings`, {
      token: manager.token,
      body: { kind: 'order_ahead', capacity: 9 },
    });
    expect(slots.statusCode, slots.body).toBe(200);

    const rows = await trail(app, owner.token, `locationId=${store}`);
    expect(rows.map((r) => r.action)).toEqual(['slots.updated', 'printer.updated', 'printer.updated']);
    expect(rows[0]!.detail).toEqual({ kind: 'order_ahead', changes: { capacity: { from: 6, to: 9 } } });
    expect(rows[1]!.detail.changes).toEqual({
      host: { from: '192.168.1.50', to: '192.168.1.51' },
      drawerKick: { from: true, to: false },
    });
    expect(rows[2]!.detail.changes).toMatchObject({ host: { from: null, to: '192.168.1.50' } });
    expect(rows.every((r) => r.actor === manager.id)).toBe(true);
    // Only the owner reads the trail.
    expect((await app.api('GET', '/api/audit', { token: manager.token })).statusCode).toBe(403);
  });

  it('a pickup waits the store’s own pickup days, else the chain’s', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const p = await createTestProduct(app);
    await receive(app, p.variantIds[0]!, store, 5);
    const waitDays = async () => {
      const cart = (
        await app.api('POST', '/api/carts', { token: null, body: { deviceId: `d-${Math.random()}` } })
      ).json();
      await app.api('POST', `/api/carts/${cart.id}/lines`, {
        token: null,
        body: { variantId: p.variantIds[0], quantity: 1 },
      });
      await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, {
        token: null,
        body: { type: 'pickup', locationId: store },
      });
      const before = Date.now();
      const order = await app.api('POST', `/api/carts/${cart.id}/checkout`, {
        token: null,
        body: { guest: { name: '客', email: `c${Math.random()}@example.jp` }, payment: { method: 'pay_at_store' } },
      });
      expect(order.statusCode, order.body).toBe(201);
      return Math.round((Date.parse(order.json().fulfilments[0].deadline) - before) / 86400_000);
    };
    expect(await waitDays()).toBe(7); // PICKUP_DAYS by default
    await app.api('PATCH', `/api/locations/${store}`, { body: { pickupDays: 3 } });
    expect(await waitDays()).toBe(3);
  });
});
