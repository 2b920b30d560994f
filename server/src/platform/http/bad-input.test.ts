import Fastify from 'fastify';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { createTestProduct, describeEachDatabase } from '../../test/harness.ts';
import { errorHandler } from './problem.ts';

describeEachDatabase('bad input is a 4xx', (ctx) => {
  it('refuses a NUL byte in a login with 400 naming the field, in the caller’s language', async () => {
    const ja = await ctx().api('POST', '/api/auth/login', {
      token: null,
      body: { email: 'owner\u0000@example.jp', password: 'x' },
    });
    expect(ja.statusCode).toBe(400);
    expect(ja.headers['content-type']).toContain('application/problem+json');
    expect(ja.json()).toMatchObject({
      code: 'platform.validation',
      status: 400,
      errors: [{ field: 'email', message: '使用できない文字（NUL 制御文字）が含まれています' }],
    });
    const en = await ctx().api('POST', '/api/auth/login', {
      token: null,
      body: { email: 'owner@example.jp', password: 'pass\u0000word' },
      headers: { 'accept-language': 'en' },
    });
    expect(en.statusCode).toBe(400);
    expect(en.json().errors).toEqual([
      { field: 'password', message: 'Contains a NUL character, which cannot be stored' },
    ]);
  });

  it('refuses NUL bytes and unpaired surrogates in the query, the path and nested fields', async () => {
    const query = await ctx().api('GET', `/api/products?q=${encodeURIComponent('ラテ')}%00`, { token: null });
    expect(query.statusCode).toBe(400);
    expect(query.json().errors).toEqual([{ field: 'query.q', message: expect.any(String) }]);

    const path = await ctx().api('GET', '/api/products/prd_%00', { token: null });
    expect(path.statusCode).toBe(400);
    expect(path.json().errors[0].field).toBe('params.id');

    const nested = await ctx().api('POST', '/api/products', {
      body: {
        name: 'シャツ',
        taxRate: 10,
        variants: [{ sku: 'S-1', jan: '4901234567894', price: 1000, options: { 色: '\ud800', ['サ\u0000イズ']: 'M' } }],
      },
      headers: { 'accept-language': 'en' },
    });
    expect(nested.statusCode).toBe(400);
    expect(nested.json().errors).toEqual([
      { field: 'variants.0.options.色', message: 'Contains an unpaired UTF-16 surrogate (not valid Unicode)' },
      { field: 'variants.0.options.サ\\u0000イズ', message: 'Contains a NUL character, which cannot be stored' },
    ]);
  });

  it('keeps a well-formed emoji (a surrogate pair) as it is', async () => {
    const { productId } = await createTestProduct(ctx(), { name: '寿司🍣セット' });
    const got = await ctx().api('GET', `/api/products/${productId}`, { token: null });
    expect(got.json().name).toBe('寿司🍣セット');
  });

  it('answers a malformed percent-encoding or an overlong id in the path with a problem', async () => {
    const bad = await ctx().api('GET', '/api/products/%ED%A0%80', { token: null });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().code).toBe('platform.bad_request');
    expect(bad.headers['x-request-id']).toBeTruthy();
    const long = await ctx().api('GET', `/api/products/${'x'.repeat(500)}`, {
      token: null,
      headers: { 'accept-language': 'en' },
    });
    expect(long.statusCode).toBe(414);
    expect(long.json()).toMatchObject({ code: 'platform.uri_too_long', title: 'URI too long' });
  });

  it('maps what only the database refused to a 4xx with the field: a foreign key, a check, a bad value', async () => {
    const { db } = ctx().server.database;
    const app = Fastify({ logger: false });
    app.setErrorHandler(errorHandler);
    app.post('/fk', async () =>
      db.execute(sql`INSERT INTO products (id, name, tax_rate, category_id) VALUES ('prd_fk', 'x', 10, 'cat_nowhere')`),
    );
    app.post('/check', async () =>
      db.execute(sql`INSERT INTO stock_levels (variant_id, location_id, on_hand) VALUES ('var_x', 'loc_x', -1)`),
    );
    app.post('/value', async () => db.execute(sql`SELECT 'tomorrow-ish'::date`));
    app.post('/range', async () => db.execute(sql`SELECT ${2 ** 31}::int`));

    const fk = await app.inject({ method: 'POST', url: '/fk', headers: { 'accept-language': 'en' } });
    expect(fk.statusCode).toBe(422);
    expect(fk.headers['content-type']).toContain('application/problem+json');
    expect(fk.json()).toMatchObject({
      code: 'platform.invalid_reference',
      errors: [{ field: 'categoryId', message: 'Refers to something that does not exist' }],
    });
    const check = await app.inject({ method: 'POST', url: '/check' });
    expect(check.statusCode).toBe(422);
    expect(check.json()).toMatchObject({
      code: 'platform.constraint_violation',
      errors: [{ field: 'onHand', message: '値が条件を満たしていません' }],
    });
    const value = await app.inject({ method: 'POST', url: '/value' });
    expect(value.statusCode).toBe(400);
    expect(value.json()).toMatchObject({ code: 'platform.invalid_value', title: '保存できない値です' });
    expect((await app.inject({ method: 'POST', url: '/range' })).json().code).toBe('platform.invalid_value');
    await app.close();
  });
});
