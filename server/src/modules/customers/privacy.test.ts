import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { newId } from '../../platform/ids.ts';
import { describeEachDatabase, registerCustomer } from '../../test/harness.ts';
import { customerEvents } from '../events/schema.ts';
import { pointEntries } from '../loyalty/schema.ts';

describeEachDatabase('consent, export and deletion', (ctx) => {
  it('records consent per channel and purpose with the history of who changed it', async () => {
    const { token, customer } = await registerCustomer(ctx());
    const start = await ctx().api('GET', '/api/account/consents', { token });
    expect(start.json().items).toHaveLength(9); // 4 channels × 2 purposes, and 位置情報
    expect(start.json().items.every((i: { granted: boolean }) => !i.granted)).toBe(true);
    const put = await ctx().api('PUT', '/api/account/consents', {
      token,
      body: {
        items: [
          { channel: 'email', purpose: 'marketing', granted: true },
          { channel: 'line', purpose: 'personalisation', granted: true },
        ],
      },
    });
    expect(put.statusCode).toBe(200);
    await ctx().api('PUT', `/api/customers/${customer.id}/consents`, {
      body: { items: [{ channel: 'email', purpose: 'marketing', granted: false }], source: 'store_form' },
    });
    const now = (await ctx().api('GET', '/api/account/consents', { token })).json();
    expect(
      now.items.find((i: { channel: string; purpose: string }) => i.channel === 'email' && i.purpose === 'marketing')
        .granted,
    ).toBe(false);
    expect(
      now.history.map((h: { granted: boolean; actor: string; source: string }) => [
        h.granted,
        h.actor.startsWith('customer:') ? 'customer' : h.actor,
        h.source,
      ]),
    ).toEqual([
      [false, 'stf_bootstrap', 'store_form'],
      [true, 'customer', 'account'],
      [true, 'customer', 'account'],
    ]);
    const other = await registerCustomer(ctx());
    expect((await ctx().api('GET', `/api/customers/${customer.id}/consents`, { token: other.token })).statusCode).toBe(
      403,
    );
    const bad = await ctx().api('PUT', '/api/account/consents', {
      token,
      body: { items: [{ channel: 'fax', purpose: 'marketing', granted: true }] },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('exports everything held about the person, and logs the request', async () => {
    const { token, customer } = await registerCustomer(ctx(), {
      phone: '090-4444-1111',
      deviceId: `dev-${newId('d')}`,
    });
    const db = ctx().server.database.db;
    await db.insert(customerEvents).values({
      id: newId('evt'),
      type: 'product_viewed',
      occurredAt: new Date(),
      channel: 'web',
      customerId: customer.id,
      source: 'test',
      payload: { productId: 'prd_x' },
    });
    await db.insert(pointEntries).values({
      id: newId('pte'),
      customerId: customer.id,
      kind: 'earn',
      points: 120,
      reference: 'order-1',
      spend: 12000,
    });
    const res = await ctx().api('POST', '/api/account/export', { token });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(customer.memberNumber);
    const data = res.json();
    expect(data.profile.id).toBe(customer.id);
    expect(data.identifiers.map((i: { kind: string }) => i.kind).sort()).toEqual([
      'device',
      'email',
      'member_number',
      'phone',
    ]);
    expect(data.events).toHaveLength(1);
    expect(data.points.balance).toBe(120);
    expect(data.consents.items).toHaveLength(9);
    expect(data.requests.map((r: { kind: string }) => r.kind)).toEqual(['export']);
    const staffRun = await ctx().api('POST', `/api/customers/${customer.id}/export`);
    expect(staffRun.json().requests.map((r: { actor: string }) => r.actor)).toEqual([
      `customer:${customer.id}`,
      'stf_bootstrap',
    ]);
  });

  it('deletes a person: no more login, identifiers and timeline erased, ledgers kept under the pseudonym', async () => {
    const { token, customer } = await registerCustomer(ctx(), {
      phone: '090-5555-1111',
      name: '削除 太郎',
      nameKana: 'さくじょ たろう',
    });
    const db = ctx().server.database.db;
    await db.insert(pointEntries).values({
      id: newId('pte'),
      customerId: customer.id,
      kind: 'earn',
      points: 50,
      reference: 'order-2',
      spend: 5000,
    });
    await db.insert(customerEvents).values({
      id: newId('evt'),
      type: 'searched',
      occurredAt: new Date(),
      channel: 'app',
      customerId: customer.id,
      source: 'test',
      payload: { q: '傘' },
    });
    const wrong = await ctx().api('POST', '/api/account/delete', { token, body: { password: 'not-my-password' } });
    expect(wrong.statusCode).toBe(401);
    const res = await ctx().api('POST', '/api/account/delete', { token, body: { password: 'sakura-password-2026' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().erased).toMatchObject({ identifiers: 3, events: 1 });
    expect((await ctx().api('GET', '/api/account', { token })).statusCode).toBe(401);
    const login = await ctx().api('POST', '/api/customer-auth/login', {
      token: null,
      body: { email: customer.email, password: 'sakura-password-2026' },
    });
    expect(login.statusCode).toBe(401);
    const view = (await ctx().api('GET', `/api/customers/${customer.id}`)).json();
    expect(view).toMatchObject({
      status: 'deleted',
      name: null,
      nameKana: null,
      email: null,
      phone: null,
      birthday: null,
    });
    expect(((await ctx().api('GET', '/api/customers?q=削除')).json().items as unknown[]).length).toBe(0);
    const [points] = await query<{ b: string }>(
      db,
      sql`SELECT sum(points) AS b FROM point_entries WHERE customer_id = ${customer.id}`,
    );
    expect(Number(points?.b)).toBe(50);
    // the e-mail is free again for a new sign-up
    const again = await registerCustomer(ctx(), { email: customer.email });
    expect(again.customer.id).not.toBe(customer.id);
    const requests = await query<{ kind: string }>(
      db,
      sql`SELECT kind FROM personal_data_requests WHERE customer_id = ${customer.id}`,
    );
    expect(requests.map((r) => r.kind)).toEqual(['delete']);
  });

  it('lets staff delete only as owner or head office, with a reason', async () => {
    const { customer } = await registerCustomer(ctx());
    const noReason = await ctx().api('POST', `/api/customers/${customer.id}/delete`, { body: { reason: '' } });
    expect(noReason.statusCode).toBe(400);
    const ok = await ctx().api('POST', `/api/customers/${customer.id}/delete`, {
      body: { reason: '電話で本人から削除依頼' },
    });
    expect(ok.statusCode).toBe(200);
    const twice = await ctx().api('POST', `/api/customers/${customer.id}/delete`, { body: { reason: 'again' } });
    expect(twice.statusCode).toBe(409);
  });
});
