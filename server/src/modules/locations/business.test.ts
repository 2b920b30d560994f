import { expect, it } from 'vitest';
import { createTestLocation, createTestProduct, describeEachDatabase, newStaff, receive } from '../../test/harness.ts';
import { monochromePng } from '../../test/png.ts';
import { isRegistrationNumber, pngSize } from './business.ts';

/**
 * The business on every receipt (issue 11 §3): the owner sets its name and invoice registration number
 * (T + 13 digits, the first checking the rest), typed as people type it; a wrong one is a clear 400 in the
 * caller's language and changes nothing; nobody but the owner may set it; till and online receipts carry it.
 */
it('checks a registration number as the National Tax Agency defines it', () => {
  expect(isRegistrationNumber('T1180301018771')).toBe(true); // a real corporate number's form
  expect(isRegistrationNumber('T9010401234567')).toBe(true);
  expect(isRegistrationNumber('T2180301018771')).toBe(false); // check digit off by one
  expect(isRegistrationNumber('1180301018771')).toBe(false); // no T
  expect(isRegistrationNumber('T118030101877')).toBe(false); // 12 digits
});

it('reads a PNG’s size from its header and refuses what is not a whole PNG', () => {
  expect(pngSize(monochromePng(300, 80))).toEqual({ width: 300, height: 80 });
  expect(pngSize(Buffer.from('GIF89a……………………………………………………………………'))).toBeNull();
  expect(pngSize(monochromePng(300, 80).subarray(0, 60))).toBeNull(); // cut short: no IEND
});

describeEachDatabase('the business on receipts', (ctx) => {
  it('the owner sets the receipt logo (a PNG within the printer’s 576 dots); it is served with an ETag and carried by receipts; removed, it is gone', async () => {
    const app = ctx();
    const owner = await newStaff(app, 'owner', []);
    const hq = await newStaff(app, 'hq', []);
    const png = monochromePng(200, 60);
    const body = { png: png.toString('base64') };
    expect((await app.api('PUT', '/api/business/logo', { token: hq.token, body })).statusCode).toBe(403);
    const wide = await app.api('PUT', '/api/business/logo', {
      token: owner.token,
      body: { png: monochromePng(800, 60).toString('base64') },
    });
    expect(wide.statusCode).toBe(400);
    expect(wide.headers['content-type']).toContain('application/problem+json');
    expect(wide.json().detail).toContain('幅576ドット');
    const junk = await app.api('PUT', '/api/business/logo', {
      token: owner.token,
      headers: { 'accept-language': 'en' },
      body: { png: Buffer.from('not an image at all, just words').toString('base64') },
    });
    expect(junk.statusCode).toBe(400);
    expect(junk.json().detail).toBe('The logo must be a PNG image (black and white works best).');
    expect((await app.api('GET', '/api/business/logo.png', { token: null })).statusCode).toBe(404);

    const set = await app.api('PUT', '/api/business/logo', { token: owner.token, body });
    expect(set.statusCode, set.body).toBe(200);
    const url: string = set.json().logo;
    expect(url).toMatch(/^\/api\/business\/logo\.png\?v=[0-9a-z]+$/);
    const served = await app.api('GET', url, { token: null });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.rawPayload.equals(png)).toBe(true);
    const etag = served.headers.etag as string;
    const again = await app.api('GET', url, { token: null, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect((await app.api('GET', '/api/business', { token: null })).json().logo).toBe(url);

    // A till receipt carries it (the browser prints it above the store's name).
    const store = await createTestLocation(app);
    const {
      variantIds: [variantId],
      jans: [jan],
    } = await createTestProduct(app);
    await receive(app, variantId!, store, 1);
    const sale = await app.api('POST', '/api/pos/sales', {
      body: {
        locationId: store,
        lines: [{ jan, quantity: 1 }],
        payments: [{ method: 'cash', amount: 1100 }],
        clientTransactionId: `logo-${Date.now()}`,
      },
    });
    expect(sale.statusCode, sale.body).toBe(201);
    expect(sale.json().receipt.business.logo).toBe(url);

    const removed = await app.api('PUT', '/api/business/logo', { token: owner.token, body: { png: null } });
    expect(removed.json().logo).toBeNull();
    expect((await app.api('GET', '/api/business/logo.png', { token: null })).statusCode).toBe(404);
    const audit = (await app.api('GET', '/api/audit?action=business.updated', { token: owner.token })).json();
    expect(audit.items.map((e: { detail: { logo?: string } }) => e.detail.logo).filter(Boolean)).toEqual([
      'removed',
      'set',
    ]);
  });

  it('the owner sets it; receipts at the till and online carry the name and the number', async () => {
    const app = ctx();
    const owner = await newStaff(app, 'owner', []);
    const hq = await newStaff(app, 'hq', []);
    const before = await app.api('GET', '/api/business', { token: null });
    expect(before.statusCode).toBe(200);

    const body = {
      name: 'むすび商店株式会社',
      registrationNumber: 'Ｔ１１８０-３０１０-１８７７-１', // full-width, with hyphens
      address: '東京都渋谷区神南1-2-3',
      phone: '03-0000-1000',
    };
    expect((await app.api('PUT', '/api/business', { token: hq.token, body })).statusCode).toBe(403);
    const bad = await app.api('PUT', '/api/business', {
      token: owner.token,
      body: { ...body, registrationNumber: 'T2180301018771' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body).toContain('登録番号は T に続く13桁の数字です');
    const badEn = await app.api('PUT', '/api/business', {
      token: owner.token,
      body: { ...body, registrationNumber: 'T21803010187' },
      headers: { 'accept-language': 'en' },
    });
    expect(badEn.statusCode).toBe(400);
    expect(badEn.body).toContain('A registration number is T and 13 digits');
    expect((await app.api('GET', '/api/business', { token: null })).json()).toEqual(before.json()); // nothing half-set

    const put = await app.api('PUT', '/api/business', { token: owner.token, body });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ name: 'むすび商店株式会社', registrationNumber: 'T1180301018771' });
    expect((await app.api('GET', '/api/business', { token: null })).json()).toMatchObject({
      registrationNumber: 'T1180301018771',
    });
    const audit = await app.api('GET', '/api/audit?action=business.updated', { token: owner.token });
    expect(audit.statusCode, audit.body).toBe(200);
    expect(audit.json().items[0]).toMatchObject({ action: 'business.updated', actor: owner.id });

    // A till sale's receipt.
    const store = await createTestLocation(app, { name: '渋谷店' });
    const p = await createTestProduct(app);
    await receive(app, p.variantIds[0]!, store, 10);
    const sale = await app.api('POST', '/api/pos/sales', {
      body: {
        locationId: store,
        lines: [{ jan: p.jans[0], quantity: 1 }],
        payments: [{ method: 'cash', amount: 1100, tendered: 2000 }],
        clientTransactionId: `t-${Math.random()}`,
      },
    });
    expect(sale.statusCode, sale.body).toBe(201);
    expect(sale.json().receipt.business).toEqual({
      name: 'むすび商店株式会社',
      registrationNumber: 'T1180301018771',
      logo: null,
    });
    expect(sale.json().receipt.store.name).toBe('渋谷店');

    // An online order's receipt names the business's own online store, never the demo's.
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
    const order = await app.api('POST', `/api/carts/${cart.id}/checkout`, {
      token: null,
      body: { guest: { name: '客', email: `c${Math.random()}@example.jp` }, payment: { method: 'pay_at_store' } },
    });
    expect(order.statusCode, order.body).toBe(201);
    const receipt = await app.api('GET', `/api/orders/${order.json().id}/receipt`);
    expect(receipt.statusCode, receipt.body).toBe(200);
    expect(receipt.json().business.registrationNumber).toBe('T1180301018771');
    expect(receipt.body).not.toContain('むすびマーケット');
  });
});
