import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  receive,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';
import { MAX_FAVOURITES } from './service.ts';

const keep = (app: TestApp, token: string | null, productId: string) =>
  app.api('PUT', `/api/account/favourites/${productId}`, { token });
const drop = (app: TestApp, token: string | null, productId: string) =>
  app.api('DELETE', `/api/account/favourites/${productId}`, { token });
const list = async (app: TestApp, token: string, query = '') => {
  const res = await app.api('GET', `/api/account/favourites${query}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    store: { id: string; name: string } | null;
    items: Array<{
      productId: string;
      name: string;
      priceMin: number;
      available: number | null;
      badge: string | null;
      variants: Array<{ id: string; available: number | null }>;
    }>;
    limit: number;
  };
};

describeEachDatabase('お気に入り: a member keeps products', (ctx) => {
  it('she keeps a product, sees it with its price and stock at her store, and lets it go', async () => {
    const app = ctx();
    const store = await createTestLocation(app, { name: '渋谷店' });
    const umbrella = await createTestProduct(app, { name: '折りたたみ傘', variants: 2 });
    const cap = await createTestProduct(app, { name: 'ウールキャップ' });
    await receive(app, umbrella.variantIds[0]!, store, 2);
    const { token } = await registerCustomer(app);

    expect((await keep(app, token, umbrella.productId)).statusCode).toBe(201);
    expect((await keep(app, token, cap.productId)).statusCode).toBe(201);
    const mine = await list(app, token, `?locationId=${store}`);
    expect(mine.store).toEqual({ id: store, name: '渋谷店' });
    expect(mine.limit).toBe(MAX_FAVOURITES);
    // Newest first.
    expect(mine.items.map((i) => i.name)).toEqual(['ウールキャップ', '折りたたみ傘']);
    const [capView, umbrellaView] = mine.items;
    expect(umbrellaView).toMatchObject({ priceMin: 1100, available: 2, badge: 'low' });
    expect(umbrellaView!.variants.map((v) => v.available)).toEqual([2, 0]);
    expect(capView).toMatchObject({ available: 0, badge: 'out' });

    // Without a store (no home store, no position) the stock is not said.
    expect((await list(app, token)).items.every((i) => i.available === null && i.badge === null)).toBe(true);

    expect((await drop(app, token, cap.productId)).statusCode).toBe(204);
    expect((await list(app, token)).items.map((i) => i.productId)).toEqual([umbrella.productId]);
    const again = await drop(app, token, cap.productId);
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe('favourites.not_found');
  });

  it('a second tap keeps it once, and two taps at once make one favourite', async () => {
    const app = ctx();
    const { productId } = await createTestProduct(app);
    const { token } = await registerCustomer(app);
    const first = await keep(app, token, productId);
    const second = await keep(app, token, productId);
    expect([first.statusCode, second.statusCode]).toEqual([201, 200]);
    expect(second.json().addedAt).toBe(first.json().addedAt);
    const other = await createTestProduct(app);
    const raced = await Promise.all(Array.from({ length: 5 }, () => keep(app, token, other.productId)));
    expect(raced.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
    expect((await list(app, token)).items).toHaveLength(2);
  });

  it('a guest is asked to log in (401 problem), staff are refused, an unknown product is 404', async () => {
    const app = ctx();
    const { productId } = await createTestProduct(app);
    const guest = await keep(app, null, productId);
    expect(guest.statusCode).toBe(401);
    expect(guest.headers['content-type']).toContain('application/problem+json');
    expect((await app.api('GET', '/api/account/favourites', { token: null })).statusCode).toBe(401);
    // Staff (the bootstrap token) have no favourites of their own.
    expect((await app.api('PUT', `/api/account/favourites/${productId}`)).statusCode).toBe(403);
    const { token } = await registerCustomer(app);
    const unknown = await keep(app, token, 'prd_nothing');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('catalog.product_not_found');
  });

  it(`she keeps at most ${MAX_FAVOURITES}: the next is refused until she lets one go`, async () => {
    const app = ctx();
    const { token, customer } = await registerCustomer(app);
    const db = app.server.database.db;
    // 499 kept already (written directly: 499 products through the API would be the whole test's time).
    const ids = Array.from({ length: MAX_FAVOURITES + 1 }, (_, i) => `prd_fav_limit_${customer.id}_${i}`);
    await db.execute(sql`INSERT INTO products (id, name, name_kana, tax_rate, search_text, sort_key)
                         SELECT unnest(${sql.param(ids)}::text[]), '上限テスト', 'じょうげん', 10, '', ''`);
    await db.execute(sql`INSERT INTO favourites (customer_id, product_id)
                         SELECT ${customer.id}, unnest(${sql.param(ids.slice(0, MAX_FAVOURITES - 1))}::text[])`);
    const [last, over] = ids.slice(MAX_FAVOURITES - 1);
    expect((await keep(app, token, last!)).statusCode).toBe(201);
    const refused = await keep(app, token, over!);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('favourites.too_many');
    // Kept ones still answer 200 at the limit; one let go makes room.
    expect((await keep(app, token, last!)).statusCode).toBe(200);
    expect((await drop(app, token, last!)).statusCode).toBe(204);
    expect((await keep(app, token, over!)).statusCode).toBe(201);
    // The guest's favourites joining at the limit are left out, not an error.
    const joined = await app.api('POST', '/api/account/favourites/join', { token, body: { productIds: [last] } });
    expect(joined.json()).toEqual({ joined: 0, kept: 0, unknown: 0, overLimit: 1 });
    expect((await list(app, token)).items).toHaveLength(MAX_FAVOURITES);
  });

  it('the favourites she kept as a guest join hers at login, once, unknown ones passed over', async () => {
    const app = ctx();
    const [a, b, c] = [await createTestProduct(app), await createTestProduct(app), await createTestProduct(app)];
    const { token } = await registerCustomer(app);
    expect((await keep(app, token, a.productId)).statusCode).toBe(201);
    const join = (productIds: string[]) =>
      app.api('POST', '/api/account/favourites/join', { token, body: { productIds } });
    const res = await join([a.productId, b.productId, c.productId, b.productId, 'prd_gone']);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ joined: 2, kept: 1, unknown: 1, overLimit: 0 });
    expect((await join([b.productId])).json()).toEqual({ joined: 0, kept: 1, unknown: 0, overLimit: 0 });
    expect(new Set((await list(app, token)).items.map((i) => i.productId))).toEqual(
      new Set([a.productId, b.productId, c.productId]),
    );
    expect(
      (await app.api('POST', '/api/account/favourites/join', { token: null, body: { productIds: [] } })).statusCode,
    ).toBe(401);
  });

  it('another member neither sees nor removes hers', async () => {
    const app = ctx();
    const { productId } = await createTestProduct(app);
    const hanako = await registerCustomer(app);
    const taro = await registerCustomer(app);
    expect((await keep(app, hanako.token, productId)).statusCode).toBe(201);
    expect((await list(app, taro.token)).items).toEqual([]);
    expect((await drop(app, taro.token, productId)).statusCode).toBe(404);
    expect((await list(app, hanako.token)).items.map((i) => i.productId)).toEqual([productId]);
  });

  it('her store is the nearest to where she is, else her home store', async () => {
    const app = ctx();
    const far = await createTestLocation(app, { name: '梅田店', lat: 34.7025, lng: 135.4959 });
    const near = await createTestLocation(app, { name: '近くの店', lat: 51.5, lng: 0.1 });
    const { productId, variantIds } = await createTestProduct(app);
    await receive(app, variantIds[0]!, near, 10);
    const { token, customer } = await registerCustomer(app);
    await keep(app, token, productId);
    const there = await list(app, token, '?near=51.5001,0.1001');
    expect(there.store?.id).toBe(near);
    expect(there.items[0]).toMatchObject({ available: 10, badge: 'in_stock' });
    await app.server.database.db.execute(sql`UPDATE customers SET home_location_id = ${far} WHERE id = ${customer.id}`);
    expect((await list(app, token)).store?.id).toBe(far);
  });

  it("a merge brings the other record's favourites to her (one she keeps stays behind), and undo takes them back", async () => {
    const app = ctx();
    const [shared, only] = [await createTestProduct(app), await createTestProduct(app)];
    const hanako = await registerCustomer(app);
    const twin = await registerCustomer(app);
    await keep(app, hanako.token, shared.productId);
    await keep(app, twin.token, shared.productId);
    await keep(app, twin.token, only.productId);
    const rows = async (customerId: string) =>
      (
        await query<{ product_id: string }>(
          app.server.database.db,
          sql`SELECT product_id FROM favourites WHERE customer_id = ${customerId} ORDER BY product_id`,
        )
      ).map((r) => r.product_id);
    const merge = await app.api('POST', `/api/customers/${hanako.customer.id}/merge`, {
      body: { otherId: twin.customer.id, reason: '同一人物' },
    });
    expect(merge.statusCode, merge.body).toBe(201);
    expect(merge.json().moved).toMatchObject({ favourites: 1 });
    expect(await rows(hanako.customer.id)).toEqual([shared.productId, only.productId].sort());
    expect(await rows(twin.customer.id)).toEqual([shared.productId]);
    expect((await app.api('POST', `/api/customer-merges/${merge.json().id}/undo`)).statusCode).toBe(200);
    expect(await rows(hanako.customer.id)).toEqual([shared.productId]);
    expect(await rows(twin.customer.id)).toEqual([shared.productId, only.productId].sort());
  });

  it('her favourites are in her data export and deleted with her account', async () => {
    const app = ctx();
    const { productId } = await createTestProduct(app);
    const { token, customer } = await registerCustomer(app);
    await keep(app, token, productId);
    const exported = await app.api('POST', '/api/account/export', { token });
    expect(exported.json().favourites).toEqual([{ productId, addedAt: expect.any(String) }]);
    const gone = await app.api('POST', '/api/account/delete', { token, body: { password: 'sakura-password-2026' } });
    expect(gone.statusCode, gone.body).toBe(200);
    expect(gone.json().erased).toMatchObject({ favourites: 1 });
    const left = await query<{ n: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS n FROM favourites WHERE customer_id = ${customer.id}`,
    );
    expect(left[0]!.n).toBe(0);
  });
});
