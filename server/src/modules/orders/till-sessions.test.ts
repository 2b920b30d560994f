import { expect, it } from 'vitest';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  newStaff,
  receive,
  type TestApp,
} from '../../test/harness.ts';

let txn = 0;
/** A till sale at the store, by the clerk: JAN lines and the payments. */
async function sell(
  app: TestApp,
  token: string,
  store: string,
  lines: Array<{ jan: string; quantity: number }>,
  payments: Array<Record<string, unknown>>,
  extra: Record<string, unknown> = {},
) {
  const res = await app.api('POST', '/api/pos/sales', {
    token,
    body: { locationId: store, lines, payments, clientTransactionId: `zs-${Date.now()}-${++txn}`, ...extra },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().order as { id: string; lines: Array<{ id: string; variantId: string }> };
}

/** A store with a 10 % shirt and an 8 % tea (¥1,100 each) in stock, and its clerk. */
async function storeWithClerk(app: TestApp) {
  const store = await createTestLocation(app, { name: '結び 渋谷神南店' });
  const shirt = await createTestProduct(app, { name: 'リネンシャツ' });
  const tea = await createTestProduct(app, { name: '緑茶', taxRate: 8 });
  await receive(app, shirt.variantIds[0]!, store, 50);
  await receive(app, tea.variantIds[0]!, store, 50);
  const clerk = await newStaff(app, 'staff', [store], { name: '山田 花子' });
  return { store, clerk, shirt: shirt.jans[0]!, tea: tea.jans[0]!, teaVariant: tea.variantIds[0]! };
}

async function open(app: TestApp, token: string, store: string, float = 30000) {
  return app.api('POST', '/api/till-sessions', { token, body: { locationId: store, float, registerName: 'レジ1' } });
}

describeEachDatabase('opening and closing the till', (ctx) => {
  it('a day at the till: the X report and the kept Z report are the sales made, the cash counted short by ¥100', async () => {
    const app = ctx();
    const { store, clerk, shirt, tea, teaVariant } = await storeWithClerk(app);
    const opened = await open(app, clerk.token, store);
    expect(opened.statusCode, opened.body).toBe(201);
    const session = opened.json();
    expect(session).toMatchObject({
      status: 'open',
      float: 30000,
      registerName: 'レジ1',
      openedBy: { name: '山田 花子' },
    });

    // Cash with change; a card terminal; PayPay; cash + terminal split.
    const first = await sell(
      app,
      clerk.token,
      store,
      [
        { jan: shirt, quantity: 1 },
        { jan: tea, quantity: 2 },
      ],
      [{ method: 'cash', amount: 3300, tendered: 5000 }],
    );
    await sell(
      app,
      clerk.token,
      store,
      [{ jan: shirt, quantity: 1 }],
      [{ method: 'terminal', amount: 1100, reference: '482913', brand: 'VISA' }],
    );
    await sell(
      app,
      clerk.token,
      store,
      [{ jan: tea, quantity: 1 }],
      [{ method: 'qr', amount: 1100, reference: 'PP-0001', brand: 'PayPay' }],
    );
    await sell(
      app,
      clerk.token,
      store,
      [{ jan: shirt, quantity: 2 }],
      [
        { method: 'cash', amount: 1000, tendered: 1000 },
        { method: 'terminal', amount: 1200, reference: '100200', brand: 'JCB' },
      ],
    );
    // One tea of the first sale comes back: ¥1,100 handed back in cash.
    const teaLine = first.lines.find((l) => l.variantId === teaVariant)!;
    const ret = await app.api('POST', `/api/orders/${first.id}/returns`, {
      token: clerk.token,
      body: { lines: [{ orderLineId: teaLine.id, quantity: 1 }], locationId: store, reason: '味違い' },
    });
    expect(ret.statusCode, ret.body).toBe(201);
    for (const move of [
      { kind: 'in', amount: 5000, reason: '両替' },
      { kind: 'out', amount: 800, reason: '切手代' },
    ]) {
      const res = await app.api('POST', `/api/till-sessions/${session.id}/cash-movements`, {
        token: clerk.token,
        body: move,
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    // Another store's sale is not this till's.
    const other = await storeWithClerk(app);
    await sell(
      app,
      other.clerk.token,
      other.store,
      [{ jan: other.shirt, quantity: 1 }],
      [{ method: 'cash', amount: 1100 }],
    );

    const expected = {
      float: 30000,
      cashIn: 5000,
      cashOut: 800,
      cashSales: 4300,
      cashRefunds: 1100,
      expectedCash: 30000 + 4300 - 1100 + 5000 - 800,
      salesCount: 4,
      offlineSalesCount: 0,
      grossSales: 7700,
      discountTotal: 0,
      byMethod: {
        cash: { count: 2, amount: 4300 },
        terminal: { count: 2, amount: 2300 },
        qr: { count: 1, amount: 1100 },
        wallet: { count: 0, amount: 0 },
        points: { count: 0, amount: 0 },
      },
      byService: [
        { method: 'qr', service: 'PayPay', count: 1, amount: 1100 },
        { method: 'terminal', service: 'JCB', count: 1, amount: 1200 },
        { method: 'terminal', service: 'VISA', count: 1, amount: 1100 },
      ],
      // 内消費税 per receipt, added up: 10 % 100 + 100 + 200; 8 % 162 + 81.
      byTaxRate: [
        { rate: 10, sales: 4400, tax: 400 },
        { rate: 8, sales: 3300, tax: 243 },
      ],
      refunds: { count: 1, total: 1100, byMethod: { cash: 1100, card: 0, wallet: 0, points: 0 } },
      netSales: 6600,
    };
    const x = await app.api('GET', `/api/till-sessions/${session.id}/x-report`, { token: clerk.token });
    expect(x.statusCode, x.body).toBe(200);
    expect(x.json()).toMatchObject(expected);
    // 点検 changes nothing: asked again, the same figures; the session still open.
    expect(
      (await app.api('GET', `/api/till-sessions/${session.id}/x-report`, { token: clerk.token })).json(),
    ).toMatchObject(expected);
    const current = await app.api('GET', `/api/till-sessions/current?locationId=${store}`, { token: clerk.token });
    expect(current.json().session).toMatchObject({ id: session.id, status: 'open' });
    expect(current.json().session.cashMovements.map((m: { reason: string }) => m.reason)).toEqual(['両替', '切手代']);

    // 37,400 expected; counted one ¥100 coin short.
    const counted = { '10000': 3, '5000': 1, '2000': 1, '100': 3, '1': 0 };
    const closed = await app.api('POST', `/api/till-sessions/${session.id}/close`, {
      token: clerk.token,
      body: { counted },
    });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({
      status: 'closed',
      expectedCash: 37400,
      countedCash: 37300,
      overShort: -100,
      zNumber: 1,
      closedBy: { name: '山田 花子' },
      counted: { '10000': 3, '5000': 1, '2000': 1, '1000': 0, '500': 0, '100': 3, '50': 0, '10': 0, '5': 0, '1': 0 },
      report: expected,
    });
    // Kept as printed: a sale after the close is in no figure of this Z.
    await sell(app, clerk.token, store, [{ jan: shirt, quantity: 1 }], [{ method: 'cash', amount: 1100 }]);
    const kept = await app.api('GET', `/api/till-sessions/${session.id}`, { token: clerk.token });
    expect(kept.json().report).toEqual(closed.json().report);
    const list = await app.api('GET', `/api/till-sessions?locationId=${store}`, { token: clerk.token });
    expect(list.json().items.map((s: { id: string }) => s.id)).toEqual([session.id]);
    // The next day's till opens afresh, and its Z is No. 2.
    const next = (await open(app, clerk.token, store, 20000)).json();
    const z2 = await app.api('POST', `/api/till-sessions/${next.id}/close`, {
      token: clerk.token,
      body: { counted: { '10000': 2 } },
    });
    expect(z2.json()).toMatchObject({ zNumber: 2, expectedCash: 20000, overShort: 0 });
  });

  it('an offline sale synced while the till is open is counted, and counted as offline', async () => {
    const app = ctx();
    const { store, clerk, shirt } = await storeWithClerk(app);
    const session = (await open(app, clerk.token, store)).json();
    await sell(
      app,
      clerk.token,
      store,
      [{ jan: shirt, quantity: 1, unitPrice: 1100, discount: 0 } as never],
      [{ method: 'cash', amount: 1100, tendered: 2000 }],
      { offline: { at: new Date(Date.now() - 60_000).toISOString(), discounts: [] } },
    );
    await sell(app, clerk.token, store, [{ jan: shirt, quantity: 1 }], [{ method: 'cash', amount: 1100 }]);
    const x = (await app.api('GET', `/api/till-sessions/${session.id}/x-report`, { token: clerk.token })).json();
    expect(x).toMatchObject({ salesCount: 2, offlineSalesCount: 1, cashSales: 2200, expectedCash: 32200 });
  });

  it('opening twice is a 409, closing a closed till a 409, a bad count a 400 naming the field — in ja and en', async () => {
    const app = ctx();
    const { store, clerk } = await storeWithClerk(app);
    const session = (await open(app, clerk.token, store)).json();
    const again = await app.api('POST', '/api/till-sessions', {
      token: clerk.token,
      body: { locationId: store, float: 10000 },
      headers: { 'accept-language': 'ja' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.json()).toMatchObject({ code: 'till_session.already_open', title: 'レジはすでに開いています' });
    expect(again.json().detail).toContain('レジ1');
    const againEn = await app.api('POST', '/api/till-sessions', {
      token: clerk.token,
      body: { locationId: store, float: 10000 },
      headers: { 'accept-language': 'en' },
    });
    expect(againEn.json()).toMatchObject({ code: 'till_session.already_open', title: 'The till is already open' });

    const bad = async (counted: unknown) => {
      const res = await app.api('POST', `/api/till-sessions/${session.id}/close`, {
        token: clerk.token,
        body: { counted },
      });
      expect(res.statusCode, res.body).toBe(400);
      return res.json().errors.map((e: { field: string }) => e.field);
    };
    expect(await bad({ '3000': 1 })).toEqual(['counted.3000']);
    expect(await bad({ '1000': -1 })).toEqual(['counted.1000']);
    expect(await bad({ '500': 1.5 })).toEqual(['counted.500']);
    expect(await bad({ '0100': 1 })).toEqual(['counted.0100']);
    const negative = await app.api('POST', `/api/till-sessions/${session.id}/cash-movements`, {
      token: clerk.token,
      body: { kind: 'out', amount: 0, reason: '両替' },
    });
    expect(negative.statusCode).toBe(400);
    expect(negative.json().errors.map((e: { field: string }) => e.field)).toEqual(['amount']);

    const close = () =>
      app.api('POST', `/api/till-sessions/${session.id}/close`, {
        token: clerk.token,
        body: { counted: { '10000': 3 } },
        headers: { 'accept-language': 'en' },
      });
    expect((await close()).statusCode).toBe(200);
    const twice = await close();
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'till_session.closed', detail: 'It was closed with Z report No. 1.' });
    const late = await app.api('POST', `/api/till-sessions/${session.id}/cash-movements`, {
      token: clerk.token,
      body: { kind: 'in', amount: 1000, reason: '両替' },
      headers: { 'accept-language': 'ja' },
    });
    expect(late.statusCode).toBe(409);
    expect(late.json().title).toBe('このレジは締め済みです');
    expect((await app.api('GET', '/api/till-sessions/till_nope', { token: clerk.token })).statusCode).toBe(404);
  });

  it('two clerks opening at once make one session; five closes at once make one Z', async () => {
    const app = ctx();
    const { store, clerk } = await storeWithClerk(app);
    const second = await newStaff(app, 'store_manager', [store]);
    const opens = await Promise.all(
      Array.from({ length: 6 }, (_, i) => open(app, i % 2 ? second.token : clerk.token, store)),
    );
    expect(opens.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const session = opens.find((r) => r.statusCode === 201)!.json();
    const closes = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        app.api('POST', `/api/till-sessions/${session.id}/close`, {
          token: i % 2 ? second.token : clerk.token,
          body: { counted: { '10000': 3 } },
        }),
      ),
    );
    expect(closes.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409]);
    const list = await app.api('GET', `/api/till-sessions?locationId=${store}`, { token: second.token });
    expect(list.json().items).toHaveLength(1);
    expect(list.json().items[0]).toMatchObject({ zNumber: 1, overShort: 0 });
  });

  it('cash moved while the till closes is in the Z exactly when it was accepted', async () => {
    const app = ctx();
    const { store, clerk } = await storeWithClerk(app);
    const session = (await open(app, clerk.token, store, 10000)).json();
    const moves = Array.from({ length: 6 }, () =>
      app.api('POST', `/api/till-sessions/${session.id}/cash-movements`, {
        token: clerk.token,
        body: { kind: 'in', amount: 1000, reason: '両替' },
      }),
    );
    const close = app.api('POST', `/api/till-sessions/${session.id}/close`, {
      token: clerk.token,
      body: { counted: { '10000': 1 } },
    });
    const [closed, ...answers] = await Promise.all([close, ...moves]);
    expect(closed.statusCode, closed.body).toBe(200);
    const accepted = answers.filter((r) => r.statusCode === 201).length;
    expect(answers.every((r) => r.statusCode === 201 || r.statusCode === 409)).toBe(true);
    const z = (await app.api('GET', `/api/till-sessions/${session.id}`, { token: clerk.token })).json();
    expect(z.report.cashIn).toBe(accepted * 1000);
    expect(z.cashMovements).toHaveLength(accepted);
    expect(z.expectedCash).toBe(10000 + accepted * 1000);
  });

  it("only the store's staff open and close its till; head office reads every store's Z reports", async () => {
    const app = ctx();
    const a = await storeWithClerk(app);
    const b = await storeWithClerk(app);
    const stranger = await open(app, b.clerk.token, a.store);
    expect(stranger.statusCode).toBe(403);
    const sa = (await open(app, a.clerk.token, a.store)).json();
    const sb = (await open(app, b.clerk.token, b.store)).json();
    expect((await app.api('GET', `/api/till-sessions/${sa.id}/x-report`, { token: b.clerk.token })).statusCode).toBe(
      403,
    );
    for (const [s, token] of [
      [sa, a.clerk.token],
      [sb, b.clerk.token],
    ] as const)
      expect(
        (await app.api('POST', `/api/till-sessions/${s.id}/close`, { token, body: { counted: { '10000': 3 } } }))
          .statusCode,
      ).toBe(200);
    const hq = await newStaff(app, 'hq', []);
    const all = (await app.api('GET', '/api/till-sessions?limit=200', { token: hq.token })).json();
    const ids = all.items.map((s: { id: string }) => s.id);
    expect(ids).toEqual(expect.arrayContaining([sa.id, sb.id]));
    // A clerk without a store filter sees her own store's only.
    const mine = (await app.api('GET', '/api/till-sessions?limit=200', { token: a.clerk.token })).json();
    expect(mine.items.map((s: { id: string }) => s.id)).toEqual([sa.id]);
    expect(
      (await app.api('GET', `/api/till-sessions?locationId=${a.store}`, { token: b.clerk.token })).statusCode,
    ).toBe(403);
  });
});
