import { connect, type AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { createTestLocation, createTestProduct, describeEachDatabase, receive } from '../../test/harness.ts';

describeEachDatabase('HTTP platform', (ctx) => {
  it('health checks the database', async () => {
    const res = await ctx().api('GET', '/health', { token: null });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', database: ctx().target });
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('keeps a caller-supplied request id', async () => {
    const res = await ctx().api('GET', '/health', { token: null, headers: { 'x-request-id': 'till-42.abc' } });
    expect(res.headers['x-request-id']).toBe('till-42.abc');
  });

  it('publishes OpenAPI 3.1 generated from the route schemas, and a docs page', async () => {
    const res = await ctx().api('GET', '/api/openapi.json', { token: null });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/reservations',
        '/api/stock-movements',
        '/api/products',
        '/api/availability',
        '/api/stream',
      ]),
    );
    expect(doc.paths['/api/reservations'].post.requestBody).toBeTruthy();
    const docs = await ctx().api('GET', '/api/docs/', { token: null });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('answers unknown API paths with a 404 problem in the caller’s language', async () => {
    const ja = await ctx().api('GET', '/api/nothing-here', { token: null });
    expect(ja.statusCode).toBe(404);
    expect(ja.headers['content-type']).toContain('application/problem+json');
    expect(ja.json()).toMatchObject({ type: '/problems/platform.not_found', title: '見つかりません', status: 404 });
    const en = await ctx().api('GET', '/api/nothing-here', {
      token: null,
      headers: { 'accept-language': 'en-US,en;q=0.9,ja;q=0.5' },
    });
    expect(en.json().title).toBe('Not found');
  });

  it('answers a request Node cannot parse (raw UTF-8 in the URL) with a problem, not a bare 400', async () => {
    const app = ctx().server.app;
    if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.end(Buffer.from('GET /api/products?q=らて HTTP/1.1\r\nHost: x\r\n\r\n')),
      );
      let got = '';
      socket.on('data', (chunk) => (got += chunk.toString('utf8')));
      socket.on('end', () => resolve(got));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    expect(raw).toContain('application/problem+json');
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({
      code: 'platform.bad_request',
      status: 400,
    });
  });

  it('turns malformed JSON, wrong content types and wrong fields into 4xx problems', async () => {
    const app = ctx();
    const bad = await app.server.app.inject({
      method: 'POST',
      url: '/api/reservations',
      headers: { authorization: 'Bearer test-bootstrap-token-0123456789', 'content-type': 'application/json' },
      payload: '{"lines": [',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('platform.invalid_json');
    const text = await app.server.app.inject({
      method: 'POST',
      url: '/api/reservations',
      headers: { authorization: 'Bearer test-bootstrap-token-0123456789', 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(text.statusCode).toBe(415);
    const fields = await app.api('POST', '/api/reservations', {
      body: { lines: [{ variantId: 'x', locationId: 'y', quantity: 0 }], reason: 'nope' },
      headers: { 'accept-language': 'en' },
    });
    expect(fields.statusCode).toBe(400);
    expect(
      fields
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['lines.0.quantity', 'reason']);
  });

  it("refuses JSON sent in another charset than UTF-8 with 415, in the caller's language", async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    const body = JSON.stringify({ variantId: v, locationId: loc, kind: 'receipt', quantity: 1, reason: '入荷' });
    const send = (contentType: string, lang = 'ja') =>
      app.server.app.inject({
        method: 'POST',
        url: '/api/stock-movements',
        headers: {
          authorization: 'Bearer test-bootstrap-token-0123456789',
          'content-type': contentType,
          'accept-language': lang,
        },
        payload: body,
      });
    const sjis = await send('application/json; charset=shift_jis');
    expect(sjis.statusCode).toBe(415);
    expect(sjis.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(sjis.json()).toMatchObject({ code: 'platform.unsupported_charset', status: 415 });
    expect(sjis.json().title).toBe('対応していない文字コードです');
    const en = await send('application/json;charset="Shift_JIS"', 'en');
    expect(en.statusCode).toBe(415);
    expect(en.json().title).toBe('Unsupported charset');
    // UTF-8, however it is spelt, and no charset at all, are JSON as usual.
    for (const ok of ['application/json; charset=UTF-8', 'application/json; charset=utf8', 'application/json'])
      expect((await send(ok)).statusCode, ok).toBe(201);
  });

  it('rejects unknown tokens with 401 and lets anonymous callers read only public data', async () => {
    const app = ctx();
    expect((await app.api('GET', '/api/me', { token: 'mst_nope' })).statusCode).toBe(401);
    expect((await app.api('GET', '/api/me', { token: null })).statusCode).toBe(401);
    expect((await app.api('GET', '/api/locations', { token: null })).statusCode).toBe(200);
    const loc = await createTestLocation(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    const anon = await app.api('POST', '/api/stock-movements', {
      token: null,
      body: { variantId: v, locationId: loc, kind: 'receipt', quantity: 1 },
    });
    expect(anon.statusCode).toBe(401);
    const anonInvalid = await app.api('POST', '/api/reservations', { token: null, body: {} });
    expect(anonInvalid.statusCode).toBe(401);
  });
});

describeEachDatabase('idempotency', (ctx) => {
  it('replays the first response byte for byte and moves stock once', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    const body = { variantId: v, locationId: loc, kind: 'receipt', quantity: 5 };
    const headers = { 'idempotency-key': 'receipt-2026-11-23-001' };
    const first = await app.api('POST', '/api/stock-movements', { body, headers });
    const second = await app.api('POST', '/api/stock-movements', { body, headers });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.body).toBe(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    const level = await app.api('GET', `/api/availability?locationId=${loc}&variantIds=${v}`);
    expect(level.json().items[0].onHand).toBe(5);
  });

  it('refuses the same key with a different body (422)', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    const headers = { 'idempotency-key': 'k-different-body' };
    await app.api('POST', '/api/stock-movements', {
      body: { variantId: v, locationId: loc, kind: 'receipt', quantity: 5 },
      headers,
    });
    const other = await app.api('POST', '/api/stock-movements', {
      body: { variantId: v, locationId: loc, kind: 'receipt', quantity: 6 },
      headers,
    });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('platform.idempotency_key_reused');
  });

  it('answers 409 to a repeat that arrives while the first is still running, and reserves once', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    await receive(app, v!, loc, 10);
    const body = { lines: [{ variantId: v, locationId: loc, quantity: 1 }], ttlSeconds: 600, reason: 'cart' };
    const headers = { 'idempotency-key': 'same-cart-click' };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => app.api('POST', '/api/reservations', { body, headers })),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.every((c) => c === 201 || c === 409)).toBe(true);
    expect(codes).toContain(201);
    const created = new Set(results.filter((r) => r.statusCode === 201).map((r) => r.json().id));
    expect(created.size).toBe(1);
    for (const r of results.filter((r) => r.statusCode === 409))
      expect(r.json().code).toBe('platform.idempotency_in_progress');
    const level = await app.api('GET', `/api/availability?locationId=${loc}&variantIds=${v}`);
    expect(level.json().items[0].reserved).toBe(1);
  });

  it('stores 4xx answers too, so a retried failure does not suddenly succeed twice', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    const body = { lines: [{ variantId: v, locationId: loc, quantity: 1 }], ttlSeconds: 600, reason: 'cart' };
    const headers = { 'idempotency-key': 'short-then-retry' };
    const first = await app.api('POST', '/api/reservations', { body, headers });
    expect(first.statusCode).toBe(409);
    await receive(app, v!, loc, 1);
    const again = await app.api('POST', '/api/reservations', { body, headers });
    expect(again.statusCode).toBe(409);
    expect(again.body).toBe(first.body);
  });
});
