import { expect, it } from 'vitest';
import { createTestLocation, describeEachDatabase, registerCustomer, type TestApp } from '../../test/harness.ts';
import { newStaff } from '../loyalty/test-helpers.ts';

/**
 * Least privilege: a store's staff see a customer in full only while she is their customer (her card
 * scanned at their store, her order there); otherwise a masked search result. Head office sees all, and
 * the owner can read who looked at whom.
 */
/** Her app's member QR, shown by her (`customerToken`) and scanned by the clerk at `locationId`. */
async function scan(app: TestApp, staffToken: string, locationId: string, customerToken: string) {
  const code = (await app.api('GET', '/api/account/member-code', { token: customerToken })).json().code as string;
  return app.api('POST', '/api/member-codes/resolve', { token: staffToken, body: { locationId, code } });
}

describeEachDatabase('who sees a customer', (ctx) => {
  it('a clerk finds her masked, sees her in full only once her card is scanned at their store, and it is audited', async () => {
    const app = ctx();
    const [shibuya, shinjuku] = [await createTestLocation(app), await createTestLocation(app)];
    const clerk = await newStaff(app, 'staff', [shibuya]);
    const other = await newStaff(app, 'staff', [shinjuku]);
    const { customer, token } = await registerCustomer(app, { phone: '090-1234-5678', birthday: '1990-04-01' });

    // The masked search: enough to pick her with her, not her address, number or birthday.
    const found = await app.api('GET', `/api/customers?q=${customer.memberNumber}`, { token: clerk.token });
    expect(found.statusCode).toBe(200);
    const [hit] = found.json().items;
    expect(hit).toMatchObject({ id: customer.id, name: '山田 花子', memberNumber: customer.memberNumber });
    expect(hit.email).toBe(`${customer.email[0]}***@example.jp`);
    expect(hit.phone).toMatch(/^\*+5678$/);
    expect(hit.birthday).toBeNull();
    // No browsing the newest members from a store.
    expect((await app.api('GET', '/api/customers', { token: clerk.token })).json().items).toEqual([]);
    // Head office sees the whole record.
    expect((await app.api('GET', `/api/customers?q=${customer.memberNumber}`)).json().items[0].phone).toBe(
      '+819012345678',
    );

    const profile = (token: string) => app.api('GET', `/api/customers/${customer.id}`, { token });
    const refused = await profile(clerk.token);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('customer.out_of_context');
    for (const url of ['timeline', 'loyalty', 'wallet', 'consents', 'notes'])
      expect(
        (await app.api('GET', `/api/customers/${customer.id}/${url}`, { token: clerk.token })).statusCode,
        url,
      ).toBe(403);
    expect(
      (await app.api('PATCH', `/api/customers/${customer.id}`, { token: clerk.token, body: { name: '山田 花' } }))
        .statusCode,
    ).toBe(403);

    // Her member number typed at the till is not her being there (it is printed on every receipt) …
    const typed = await app.api('POST', '/api/member-codes/resolve', {
      token: clerk.token,
      body: { locationId: shibuya, memberNumber: customer.memberNumber },
    });
    expect(typed.statusCode).toBe(200);
    expect((await profile(clerk.token)).statusCode).toBe(403);
    // … her app's member QR, scanned at the Shibuya counter, is.
    expect((await scan(app, clerk.token, shibuya, token)).statusCode).toBe(200);
    const full = await profile(clerk.token);
    expect(full.statusCode).toBe(200);
    expect(full.json().phone).toBe('+819012345678');
    for (const url of ['timeline', 'loyalty', 'wallet', 'consents', 'notes'])
      expect(
        (await app.api('GET', `/api/customers/${customer.id}/${url}`, { token: clerk.token })).statusCode,
        url,
      ).toBe(200);
    // Shinjuku's clerk still does not.
    expect((await profile(other.token)).statusCode).toBe(403);

    // Exports are head office's; the owner reads who looked at her and who exported her.
    expect((await app.api('POST', `/api/customers/${customer.id}/export`, { token: clerk.token })).statusCode).toBe(
      403,
    );
    const hq = await newStaff(app, 'hq', []);
    expect((await app.api('POST', `/api/customers/${customer.id}/export`, { token: hq.token })).statusCode).toBe(200);
    const trail = await app.api('GET', `/api/audit?subjectId=${customer.id}`);
    expect(trail.statusCode).toBe(200);
    expect(trail.json().items.map((r: { action: string; actor: string }) => [r.action, r.actor])).toEqual([
      ['customer.exported', hq.id],
      ['customer.viewed', clerk.id],
    ]);
    expect((await app.api('GET', '/api/audit', { token: hq.token })).statusCode).toBe(403);
  });

  it('duplicates and merges are for managers and head office; a store’s ledger for its own staff', async () => {
    const app = ctx();
    const [shibuya, shinjuku] = [await createTestLocation(app), await createTestLocation(app)];
    const clerk = await newStaff(app, 'staff', [shibuya]);
    const manager = await newStaff(app, 'store_manager', [shibuya]);
    expect((await app.api('GET', '/api/customers/duplicates', { token: clerk.token })).statusCode).toBe(403);
    expect((await app.api('GET', '/api/customers/duplicates', { token: manager.token })).statusCode).toBe(200);
    const { customer } = await registerCustomer(app);
    expect((await app.api('GET', `/api/customers/${customer.id}/merges`, { token: clerk.token })).statusCode).toBe(403);
    const ledger = (token: string, locationId: string) =>
      app.api('GET', `/api/stock-movements?locationId=${locationId}`, { token });
    expect((await ledger(clerk.token, shibuya)).statusCode).toBe(200);
    expect((await ledger(clerk.token, shinjuku)).statusCode).toBe(403);
  });

  it('points made by hand are on the audit trail with their reason', async () => {
    const app = ctx();
    const shibuya = await createTestLocation(app);
    const manager = await newStaff(app, 'store_manager', [shibuya]);
    const { customer } = await registerCustomer(app);
    const bonus = await app.api('POST', '/api/loyalty/transactions', {
      token: manager.token,
      body: {
        customerId: customer.id,
        kind: 'adjust',
        points: 200,
        reference: 'apology-1',
        reason: '商品不良のお詫び',
        locationId: shibuya,
      },
    });
    expect(bonus.statusCode, bonus.body).toBe(201);
    const trail = (await app.api('GET', `/api/audit?action=points.adjusted&actor=${manager.id}`)).json().items;
    expect(trail).toMatchObject([
      {
        subjectId: customer.id,
        locationId: shibuya,
        detail: { points: 200, reason: '商品不良のお詫び', reference: 'apology-1' },
      },
    ]);
  });
});
