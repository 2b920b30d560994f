import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { query } from '../../platform/db/connection.ts';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  newStaff,
  type TestApp,
} from '../../test/harness.ts';

async function createToken(app: TestApp, ownerToken: string, scopes: string[], name = '基幹システム連携') {
  const res = await app.api('POST', '/api/api-tokens', { token: ownerToken, body: { name, scopes } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; token: string; hint: string; scopes: string[]; lastUsedAt: string | null };
}

const lastUsed = async (app: TestApp, id: string) =>
  (
    await query<{ last_used_at: Date | null }>(
      app.server.database.db,
      sql`SELECT last_used_at FROM api_tokens WHERE id = ${id}`,
    )
  ).map((r) => (r.last_used_at ? new Date(r.last_used_at) : null))[0] ?? null;

describeEachDatabase('API tokens', (ctx) => {
  it('is shown once at creation; only its hash is kept, and the list names it by its last four characters', async () => {
    const app = ctx();
    const owner = await newStaff(app, 'owner', []);
    const created = await createToken(app, owner.token, ['catalog:read', 'inventory:read']);
    expect(created.token).toMatch(/^mat_[\w-]{43}$/);
    expect(created.hint).toBe(`mat_…${created.token.slice(-4)}`);
    const list = await app.api('GET', '/api/api-tokens', { token: owner.token });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(created.token);
    expect(list.json().items).toContainEqual(
      expect.objectContaining({ id: created.id, name: '基幹システム連携', scopes: ['catalog:read', 'inventory:read'] }),
    );
    const [row] = await query<Record<string, unknown>>(
      app.server.database.db,
      sql`SELECT * FROM api_tokens WHERE id = ${created.id}`,
    );
    expect(JSON.stringify(row)).not.toContain(created.token.slice(4));
  });

  it('a read-only token reads but cannot write, nor reach what no scope opens', async () => {
    const app = ctx();
    const owner = await newStaff(app, 'owner', []);
    const store = await createTestLocation(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    const { token } = await createToken(app, owner.token, ['inventory:read', 'catalog:read']);
    expect((await app.api('GET', `/api/locations/${store}/stock`, { token })).statusCode).toBe(200);
    expect((await app.api('GET', `/api/stock-levels.csv?locationId=${store}`, { token })).statusCode).toBe(200);
    const write = await app.api('POST', '/api/stock-movements', {
      token,
      body: { variantId: v, locationId: store, kind: 'receipt', quantity: 5 },
      headers: { 'accept-language': 'en' },
    });
    expect(write.statusCode).toBe(403);
    expect(write.json().detail).toBe('This API token lacks the scope inventory:write.');
    // Not opened by any scope: staff administration, the tokens themselves, the customer list.
    for (const url of ['/api/staff', '/api/api-tokens', '/api/customers.csv'])
      expect((await app.api('GET', url, { token })).statusCode, url).toBe(403);
    const mint = await app.api('POST', '/api/api-tokens', { token, body: { name: 'x', scopes: ['orders:read'] } });
    expect(mint.statusCode).toBe(403);

    const writer = await createToken(app, owner.token, ['inventory:write']);
    const moved = await app.api('POST', '/api/stock-movements', {
      token: writer.token,
      body: { variantId: v, locationId: store, kind: 'receipt', quantity: 5 },
    });
    expect(moved.statusCode).toBe(201);
    // inventory:write does not read: each scope opens what it names.
    expect((await app.api('GET', `/api/locations/${store}/stock`, { token: writer.token })).statusCode).toBe(403);
  });

  it('never does more than its creator may now: demoted, it acts at her store only; deactivated, it is refused', async () => {
    const app = ctx();
    const [a, b] = [await createTestLocation(app), await createTestLocation(app)];
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    const owner = await newStaff(app, 'owner', []);
    const { token } = await createToken(app, owner.token, ['inventory:write']);
    const receipt = (at: string) =>
      app.api('POST', '/api/stock-movements', {
        token,
        body: { variantId: v, locationId: at, kind: 'receipt', quantity: 1 },
      });
    expect((await receipt(b)).statusCode).toBe(201);
    // Another owner (the operator's bootstrap) makes her a clerk at store A.
    const demote = await app.api('PATCH', `/api/staff/${owner.id}`, { body: { role: 'staff', locationIds: [a] } });
    expect(demote.statusCode, demote.body).toBe(200);
    expect((await receipt(a)).statusCode).toBe(201);
    expect((await receipt(b)).statusCode).toBe(403);
    await app.api('PATCH', `/api/staff/${owner.id}`, { body: { active: false } });
    expect((await receipt(a)).statusCode).toBe(401);
  });

  it('a revoked token is refused from its next request on', async () => {
    const app = ctx();
    const owner = await newStaff(app, 'owner', []);
    const { id, token } = await createToken(app, owner.token, ['catalog:read']);
    expect((await app.api('GET', '/api/categories', { token })).statusCode).toBe(200);
    expect((await app.api('DELETE', `/api/api-tokens/${id}`, { token: owner.token })).statusCode).toBe(204);
    const refused = await app.api('GET', '/api/categories', { token });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect((await app.api('DELETE', `/api/api-tokens/${id}`, { token: owner.token })).statusCode).toBe(404);
    const live = (await app.api('GET', '/api/api-tokens', { token: owner.token })).json().items as Array<{
      id: string;
    }>;
    expect(live.map((t) => t.id)).not.toContain(id);
  });

  it('notes its last use at most once a minute', async () => {
    const app = ctx();
    const owner = await newStaff(app, 'owner', []);
    const { id, token, lastUsedAt } = await createToken(app, owner.token, ['catalog:read']);
    expect(lastUsedAt).toBeNull();
    await app.api('GET', '/api/categories', { token });
    const first = await lastUsed(app, id);
    expect(first).not.toBeNull();
    await Promise.all(Array.from({ length: 5 }, () => app.api('GET', '/api/categories', { token })));
    expect(await lastUsed(app, id)).toEqual(first); // within the minute: not written again
    await app.server.database.db.execute(
      sql`UPDATE api_tokens SET last_used_at = now() - interval '2 minutes' WHERE id = ${id}`,
    );
    const before = await lastUsed(app, id);
    await app.api('GET', '/api/categories', { token });
    const after = await lastUsed(app, id);
    expect(after!.getTime()).toBeGreaterThan(before!.getTime());
    const items = (await app.api('GET', '/api/api-tokens', { token: owner.token })).json().items as Array<{
      id: string;
      lastUsedAt: string;
    }>;
    const listed = items.find((t) => t.id === id)!;
    expect(listed.lastUsedAt).toBe(after!.toISOString());
  });

  it('is the owner’s to create, signed in as herself: not head office, not the bootstrap token', async () => {
    const app = ctx();
    const hq = await newStaff(app, 'hq', []);
    const body = { name: 'x', scopes: ['catalog:read'] };
    expect((await app.api('POST', '/api/api-tokens', { token: hq.token, body })).statusCode).toBe(403);
    expect((await app.api('POST', '/api/api-tokens', { body })).statusCode).toBe(403); // bootstrap
    const bad = await app.api('POST', '/api/api-tokens', { body: { name: 'x', scopes: ['everything'] } });
    expect(bad.statusCode).toBe(400);
  });

  it('names in the OpenAPI document the scope each operation needs from a token', async () => {
    const doc = (await ctx().api('GET', '/api/openapi.json', { token: null })).json();
    expect(doc.paths['/api/stock-movements'].post.security).toContainEqual({ apiToken: ['inventory:write'] });
    expect(doc.paths['/api/orders.csv'].get.security).toContainEqual({ apiToken: ['orders:read'] });
    const staffList = doc.paths['/api/staff'].get.security as Array<Record<string, unknown>>;
    expect(staffList.some((r) => 'apiToken' in r)).toBe(false);
  });
});
