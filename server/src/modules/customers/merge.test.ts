import { expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { newId } from '../../platform/ids.ts';
import { describeEachDatabase, registerCustomer, type TestApp } from '../../test/harness.ts';
import { customerEvents } from '../events/schema.ts';
import { pointAllocations, pointEntries, pointLots, walletEntries } from '../loyalty/schema.ts';

/** Ledger rows written directly: this suite is about moving them, not about earning them. */
async function givePoints(app: TestApp, customerId: string, points: number) {
  const db = app.server.database.db;
  const entryId = newId('pte');
  await db
    .insert(pointEntries)
    .values({ id: entryId, customerId, kind: 'earn', points, reference: newId('ref'), spend: points * 100 });
  const lotId = newId('lot');
  await db.insert(pointLots).values({
    id: lotId,
    customerId,
    entryId,
    points,
    remaining: points,
    earnedAt: new Date(),
    expiresAt: new Date(Date.now() + 365 * 86400_000),
  });
  return { entryId, lotId };
}

async function event(app: TestApp, customerId: string, type: string) {
  await app.server.database.db.insert(customerEvents).values({
    id: newId('evt'),
    type,
    occurredAt: new Date(),
    channel: 'web',
    customerId,
    source: 'test',
    payload: {},
  });
}

const balance = async (app: TestApp, table: 'point_entries' | 'wallet_entries', customerId: string) => {
  const column = table === 'point_entries' ? sql`points` : sql`amount`;
  const [row] = await query<{ b: string }>(
    app.server.database.db,
    sql`SELECT coalesce(sum(${column}), 0) AS b FROM ${sql.identifier(table)} WHERE customer_id = ${customerId}`,
  );
  return Number(row?.b ?? 0);
};

describeEachDatabase('duplicates, merge and undo', (ctx) => {
  it('suggests the store-registered and the online record of one person as duplicates', async () => {
    const online = await registerCustomer(ctx(), {
      name: '高橋 美咲',
      nameKana: 'たかはし みさき',
      birthday: '1990-04-01',
    });
    const till = await ctx().api('POST', '/api/customers', {
      body: { name: '高橋美咲', nameKana: 'タカハシ ミサキ', birthday: '1990-04-01', phone: '090-2222-3333' },
    });
    const other = await ctx().api('POST', '/api/customers', { body: { name: '高橋 美咲', birthday: '1985-01-01' } });
    const res = await ctx().api('GET', `/api/customers/duplicates?customerId=${online.customer.id}`);
    expect(res.statusCode).toBe(200);
    const pairs = res.json().items as Array<{ a: { id: string }; b: { id: string }; reasons: string[] }>;
    const ids = pairs.map((p) => [p.a.id, p.b.id].sort().join('|'));
    expect(ids).toContain([online.customer.id, till.json().id].sort().join('|'));
    expect(ids.some((p) => p.includes(other.json().id))).toBe(false);
  });

  it('moves identifiers, timeline, points and wallet to the survivor in one go, and undo gives them back', async () => {
    const app = ctx();
    const online = await registerCustomer(app, { name: '中村 蓮', email: `ren.${newId('x').slice(-6)}@example.jp` });
    const till = (
      await app.api('POST', '/api/customers', {
        body: { name: '中村 蓮', phone: '080-1212-3434', cardNumber: `CARD${newId('c').slice(-8).toUpperCase()}` },
      })
    ).json();
    await givePoints(app, online.customer.id, 300);
    await givePoints(app, till.id, 200);
    await app.server.database.db.insert(walletEntries).values({
      id: newId('wle'),
      customerId: online.customer.id,
      kind: 'top_up',
      amount: 5000,
      method: 'card',
      reference: newId('ref'),
    });
    await event(app, online.customer.id, 'product_viewed');
    await event(app, till.id, 'store_visited');

    const merge = await app.api('POST', `/api/customers/${till.id}/merge`, {
      body: { otherId: online.customer.id, reason: '同一人物（店頭で確認）' },
    });
    expect(merge.statusCode).toBe(201);
    expect(merge.json()).toMatchObject({
      survivorId: till.id,
      mergedId: online.customer.id,
      moved: { pointEntries: 1, pointLots: 1, walletEntries: 1, events: 1 },
    });
    expect(await balance(app, 'point_entries', till.id)).toBe(500);
    expect(await balance(app, 'wallet_entries', till.id)).toBe(5000);
    // the merged record now points at the survivor, and its e-mail finds the survivor
    expect((await app.api('GET', `/api/customers/${online.customer.id}`)).json()).toMatchObject({
      status: 'merged',
      mergedInto: till.id,
    });
    const found = (await app.api('GET', `/api/customers?q=${encodeURIComponent(online.customer.email)}`)).json()
      .items as Array<{ id: string }>;
    expect(found.map((c) => c.id)).toEqual([till.id]);
    // the online password now logs in to the survivor (the till record had none); old sessions ended
    expect((await app.api('GET', '/api/account', { token: online.token })).statusCode).toBe(401);
    const login = await app.api('POST', '/api/customer-auth/login', {
      token: null,
      body: { email: online.customer.email, password: 'sakura-password-2026' },
    });
    expect(login.json().customer.id).toBe(till.id);
    // merging again is refused with a clear problem
    const again = await app.api('POST', `/api/customers/${till.id}/merge`, {
      body: { otherId: online.customer.id, reason: 'x' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('customer.not_active');

    const undo = await app.api('POST', `/api/customer-merges/${merge.json().id}/undo`);
    expect(undo.statusCode).toBe(200);
    expect(undo.json().undoneAt).toBeTruthy();
    expect(await balance(app, 'point_entries', till.id)).toBe(200);
    expect(await balance(app, 'point_entries', online.customer.id)).toBe(300);
    expect(await balance(app, 'wallet_entries', online.customer.id)).toBe(5000);
    expect((await app.api('GET', `/api/customers/${online.customer.id}`)).json()).toMatchObject({
      status: 'active',
      mergedInto: null,
      email: online.customer.email,
    });
    const [events] = await query<{ n: string }>(
      app.server.database.db,
      sql`SELECT count(*) AS n FROM customer_events WHERE customer_id = ${online.customer.id} AND type = 'product_viewed'`,
    );
    expect(Number(events?.n)).toBe(1);
    expect((await app.api('POST', `/api/customer-merges/${merge.json().id}/undo`)).statusCode).toBe(409);
    const history = (await app.api('GET', `/api/customers/${till.id}/merges`)).json().items;
    expect(history).toHaveLength(1);
  });

  it('refuses to undo a merge once the survivor has spent the points that moved', async () => {
    const app = ctx();
    const a = (await app.api('POST', '/api/customers', { body: { name: '小林 結衣' } })).json();
    const b = (await app.api('POST', '/api/customers', { body: { name: '小林 結衣' } })).json();
    const { lotId } = await givePoints(app, b.id, 400);
    const merge = (
      await app.api('POST', `/api/customers/${a.id}/merge`, { body: { otherId: b.id, reason: '重複登録' } })
    ).json();
    const redeem = newId('pte');
    await app.server.database.db
      .insert(pointEntries)
      .values({ id: redeem, customerId: a.id, kind: 'redeem', points: -400, reference: newId('ref') });
    await app.server.database.db.insert(pointAllocations).values({ entryId: redeem, lotId, points: 400 });
    await app.server.database.db.update(pointLots).set({ remaining: 0 }).where(eq(pointLots.id, lotId));
    const undo = await app.api('POST', `/api/customer-merges/${merge.id}/undo`, {
      headers: { 'accept-language': 'en' },
    });
    expect(undo.statusCode).toBe(409);
    expect(undo.json()).toMatchObject({
      code: 'customer.merge_not_undoable',
      detail: 'Points that moved have been used since the merge.',
    });
    expect((await app.api('GET', `/api/customers/${b.id}`)).json().status).toBe('merged');
  });

  it('lets only managers and head office merge, never a customer or a clerk', async () => {
    const app = ctx();
    const a = (await app.api('POST', '/api/customers', { body: { name: '森 大和' } })).json();
    const b = await registerCustomer(app, { name: '森 大和' });
    expect(
      (
        await app.api('POST', `/api/customers/${a.id}/merge`, {
          token: b.token,
          body: { otherId: b.customer.id, reason: 'x' },
        })
      ).statusCode,
    ).toBe(403);
    const self = await app.api('POST', `/api/customers/${a.id}/merge`, { body: { otherId: a.id, reason: 'x' } });
    expect(self.statusCode).toBe(409);
    const noReason = await app.api('POST', `/api/customers/${a.id}/merge`, {
      body: { otherId: b.customer.id, reason: ' ' },
    });
    expect(noReason.statusCode).toBe(400);
  });
});

describeEachDatabase('a merge and her saved addresses', (ctx) => {
  const home = {
    label: '自宅',
    postalCode: '150-0041',
    prefecture: '東京都',
    city: '渋谷区',
    line1: '神南1-2-3',
    name: '中村 蓮',
    phone: '090-1111-2222',
  };
  const parents = {
    ...home,
    label: '実家',
    postalCode: '330-0063',
    prefecture: '埼玉県',
    city: 'さいたま市浦和区',
    line1: '高砂1-1-1',
  };
  const office = {
    ...home,
    label: '勤務先',
    postalCode: '100-0005',
    city: '千代田区',
    line1: '丸の内1-1-1',
    isDefault: true,
  };

  async function save(app: TestApp, token: string, body: object) {
    const res = await app.api('POST', '/api/account/addresses', { token, body });
    expect(res.statusCode, res.body).toBe(201);
  }
  const book = async (app: TestApp, token: string) =>
    (await app.api('GET', '/api/account/addresses', { token })).json().items as Array<{
      label: string;
      line1: string;
      isDefault: boolean;
    }>;

  it('her addresses move to the survivor without the ones he already has; the survivor keeps his default; undo gives them back', async () => {
    const app = ctx();
    const survivor = await registerCustomer(app, { name: '中村 蓮' });
    const other = await registerCustomer(app, { name: '中村 蓮' });
    await save(app, survivor.token, { ...home, isDefault: true });
    // The same home typed again on the other account (full-width digits, no hyphen), her parents', her office (her default).
    await save(app, other.token, { ...home, label: '家', postalCode: '１５００04１', phone: '09011112222' });
    await save(app, other.token, parents);
    await save(app, other.token, office);

    const merge = await app.api('POST', `/api/customers/${survivor.customer.id}/merge`, {
      body: { otherId: other.customer.id, reason: '同一人物（本人確認済み）' },
    });
    expect(merge.statusCode, merge.body).toBe(201);
    expect(merge.json().moved).toMatchObject({ addresses: 2 });
    const after = await book(app, survivor.token);
    expect(after.map((a) => a.label)).toEqual(['自宅', '実家', '勤務先']);
    expect(after.filter((a) => a.isDefault).map((a) => a.label)).toEqual(['自宅']);

    const undo = await app.api('POST', `/api/customer-merges/${merge.json().id}/undo`, { body: {} });
    expect(undo.statusCode, undo.body).toBe(200);
    expect((await book(app, survivor.token)).map((a) => a.label)).toEqual(['自宅']);
    // Every address is hers again, her default kept.
    const rows = await query<{ label: string; is_default: boolean }>(
      app.server.database.db,
      sql`SELECT label, is_default FROM customer_addresses WHERE customer_id = ${other.customer.id} ORDER BY label`,
    );
    expect(rows.map((r) => [r.label, r.is_default]).sort()).toEqual(
      [
        ['家', false],
        ['勤務先', true],
        ['実家', false],
      ].sort(),
    );
  });

  it('a survivor with no addresses takes hers, her default still her default', async () => {
    const app = ctx();
    const survivor = await registerCustomer(app, { name: '佐藤 葵' });
    const other = await registerCustomer(app, { name: '佐藤 葵' });
    await save(app, other.token, parents);
    await save(app, other.token, office);
    const merge = await app.api('POST', `/api/customers/${survivor.customer.id}/merge`, {
      body: { otherId: other.customer.id, reason: '同一人物' },
    });
    expect(merge.statusCode, merge.body).toBe(201);
    const after = await book(app, survivor.token);
    expect(after.map((a) => [a.label, a.isDefault])).toEqual([
      ['勤務先', true],
      ['実家', false],
    ]);
  });
});
