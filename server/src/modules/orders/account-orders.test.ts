import { expect, it } from 'vitest';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  receive,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';

/** A till sale rung up with her member number, paid in cash. */
async function tillSale(
  app: TestApp,
  store: string,
  memberNumber: string,
  lines: Array<{ jan: string; quantity: number }>,
  amount: number,
  clientTransactionId: string,
) {
  const res = await app.api('POST', '/api/pos/sales', {
    body: {
      locationId: store,
      lines,
      memberNumber,
      payments: [{ method: 'cash', amount, tendered: amount }],
      clientTransactionId,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().order as { id: string; number: string; lines: Array<{ id: string }> };
}

describeEachDatabase('orders: her order history in マイページ', (ctx) => {
  it('her till sales and holds are in one history, newest first, a page at a time; nobody else’s', async () => {
    const app = ctx();
    const store = await createTestLocation(app, { name: '結び 渋谷店' });
    const shirt = await createTestProduct(app, { name: 'リネンシャツ' });
    await receive(app, shirt.variantIds[0]!, store, 10);
    const { customer, token } = await registerCustomer(app);
    const other = await registerCustomer(app);
    const first = await tillSale(
      app,
      store,
      customer.memberNumber,
      [{ jan: shirt.jans[0]!, quantity: 1 }],
      1100,
      't-1',
    );
    const second = await tillSale(
      app,
      store,
      customer.memberNumber,
      [{ jan: shirt.jans[0]!, quantity: 2 }],
      2200,
      't-2',
    );
    await tillSale(app, store, other.customer.memberNumber, [{ jan: shirt.jans[0]!, quantity: 1 }], 1100, 't-3');
    const held = await app.api('POST', '/api/account/holds', {
      token,
      body: { variantId: shirt.variantIds[0], locationId: store },
    });
    expect(held.statusCode, held.body).toBe(201);

    const page1 = (await app.api('GET', '/api/account/orders?limit=2', { token })).json();
    expect(page1.items.map((o: { id: string }) => o.id)).toEqual([held.json().id, second.id]);
    expect(page1.items[0]).toMatchObject({ channel: 'web', fulfilments: [{ type: 'hold', locationId: store }] });
    expect(page1.items[1]).toMatchObject({ channel: 'store', locationId: store, total: 2200 });
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = (
      await app.api('GET', `/api/account/orders?limit=2&cursor=${encodeURIComponent(page1.nextCursor)}`, { token })
    ).json();
    expect(page2).toEqual({ items: [expect.objectContaining({ id: first.id })], nextCursor: null });
    expect((await app.api('GET', '/api/account/orders?cursor=nonsense', { token })).statusCode).toBe(400);
    // Staff have no order history of their own here.
    expect((await app.api('GET', '/api/account/orders')).statusCode).toBe(403);
  });

  it('a till sale opens as its e-receipt (the printed slip: issuer, registration number, tax per rate, ※) with its return; another member’s is 404', async () => {
    const app = ctx();
    expect(
      (
        await app.api('PUT', '/api/business', {
          body: { name: '結び商店株式会社', registrationNumber: 'T1180301018771' },
        })
      ).statusCode,
    ).toBe(200);
    const store = await createTestLocation(app, { name: '結び 渋谷店' });
    const shirt = await createTestProduct(app, { name: 'リネンシャツ' });
    const tea = await createTestProduct(app, { name: '緑茶', taxRate: 8 });
    await receive(app, shirt.variantIds[0]!, store, 5);
    await receive(app, tea.variantIds[0]!, store, 5);
    const { customer, token } = await registerCustomer(app);
    const sale = await tillSale(
      app,
      store,
      customer.memberNumber,
      [
        { jan: shirt.jans[0]!, quantity: 1 },
        { jan: tea.jans[0]!, quantity: 2 },
      ],
      3300,
      'till-9-0001',
    );
    const back = await app.api('POST', `/api/orders/${sale.id}/returns`, {
      headers: { 'idempotency-key': 'ret-1' },
      body: { lines: [{ orderLineId: sale.lines[0]!.id, quantity: 1 }], locationId: store, reason: 'サイズ違い' },
    });
    expect(back.statusCode, back.body).toBe(201);

    const mine = await app.api('GET', `/api/account/orders/${sale.id}`, { token });
    expect(mine.statusCode, mine.body).toBe(200);
    const body = mine.json();
    const printed = (await app.api('GET', `/api/orders/${sale.id}/receipt`)).json();
    expect(body.receipt).toEqual(printed);
    expect(body.receipt).toMatchObject({
      business: { name: '結び商店株式会社', registrationNumber: 'T1180301018771' },
      store: { name: '結び 渋谷店' },
      number: sale.number,
      taxes: [
        { rate: 10, base: 1100, tax: 100 },
        { rate: 8, base: 2200, tax: 162 },
      ],
      lines: [
        { name: 'リネンシャツ', reducedRate: false },
        { name: '緑茶', reducedRate: true },
      ],
      footnote: expect.stringContaining('※'),
    });
    expect(body.order.lines[0]).toMatchObject({ returnedQuantity: 1 });
    expect(body.returns).toEqual([
      expect.objectContaining({
        storeName: '結び 渋谷店',
        refundTotal: 1100,
        lines: [expect.objectContaining({ name: 'リネンシャツ', quantity: 1 })],
      }),
    ]);
    // What only the store knows (who took it back, points it could not recover) is not hers to read.
    expect(JSON.stringify(body.returns)).not.toMatch(/staffId|pointsUnrecovered|stf_/);
    const viaOrder = (await app.api('GET', `/api/orders/${sale.id}/returns`, { token })).json();
    expect(viaOrder.items[0]).toMatchObject({ staffId: null, pointsUnrecovered: 0 });

    // Another member: as if it did not exist, the same answer as a made-up id.
    const other = await registerCustomer(app);
    for (const path of [`/api/account/orders/${sale.id}`, '/api/account/orders/ord_doesnotexist']) {
      const res = await app.api('GET', path, { token: other.token });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('order.not_found');
    }
    expect((await app.api('POST', `/api/account/orders/${sale.id}/reorder`, { token: other.token })).statusCode).toBe(
      404,
    );
  });

  it('「もう一度買う」 puts what is still sold into her cart and names what is no longer sold', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const shirt = await createTestProduct(app, { name: 'リネンシャツ' });
    const cap = await createTestProduct(app, { name: 'ウールキャップ' });
    await receive(app, shirt.variantIds[0]!, store, 5);
    await receive(app, cap.variantIds[0]!, store, 5);
    const { customer, token } = await registerCustomer(app);
    const sale = await tillSale(
      app,
      store,
      customer.memberNumber,
      [
        { jan: shirt.jans[0]!, quantity: 2 },
        { jan: cap.jans[0]!, quantity: 1 },
      ],
      3300,
      't-r',
    );
    const archived = await app.api('PATCH', `/api/variants/${cap.variantIds[0]}`, { body: { status: 'archived' } });
    expect(archived.statusCode, archived.body).toBe(200);

    const res = await app.api('POST', `/api/account/orders/${sale.id}/reorder`, { token });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      added: [{ variantId: shirt.variantIds[0], name: 'リネンシャツ', quantity: 2 }],
      unavailable: [{ variantId: cap.variantIds[0], name: 'ウールキャップ' }],
    });
    const cart = (await app.api('GET', '/api/account/cart', { token })).json();
    expect(cart.lines).toEqual([expect.objectContaining({ variantId: shirt.variantIds[0], quantity: 2 })]);
  });

  it('after head office merges her second record, its till sales are in her history and open as hers', async () => {
    const app = ctx();
    const store = await createTestLocation(app, { name: '結び 渋谷店' });
    const shirt = await createTestProduct(app, { name: 'リネンシャツ' });
    await receive(app, shirt.variantIds[0]!, store, 10);
    const her = await registerCustomer(app, { name: '佐藤 美咲' });
    const twin = await registerCustomer(app, { name: '佐藤 美咲' });
    const stranger = await registerCustomer(app);
    const own = await tillSale(
      app,
      store,
      her.customer.memberNumber,
      [{ jan: shirt.jans[0]!, quantity: 1 }],
      1100,
      'm-1',
    );
    const old = await tillSale(
      app,
      store,
      twin.customer.memberNumber,
      [{ jan: shirt.jans[0]!, quantity: 2 }],
      2200,
      'm-2',
    );
    const merged = await app.api('POST', `/api/customers/${her.customer.id}/merge`, {
      body: { otherId: twin.customer.id, reason: '同一人物' },
    });
    expect(merged.statusCode, merged.body).toBe(201);

    const history = (await app.api('GET', '/api/account/orders', { token: her.token })).json();
    expect(history.items.map((o: { id: string }) => o.id)).toEqual([old.id, own.id]);
    const opened = await app.api('GET', `/api/account/orders/${old.id}`, { token: her.token });
    expect(opened.statusCode, opened.body).toBe(200);
    expect(opened.json().order).toMatchObject({ id: old.id, total: 2200 });
    const again = await app.api('POST', `/api/account/orders/${old.id}/reorder`, { token: her.token });
    expect(again.statusCode, again.body).toBe(200);
    // Still nobody else's.
    expect((await app.api('GET', `/api/account/orders/${old.id}`, { token: stranger.token })).statusCode).toBe(404);
    expect((await app.api('GET', '/api/account/orders', { token: stranger.token })).json().items).toEqual([]);
  });
});
