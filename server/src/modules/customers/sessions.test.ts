import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { query } from '../../platform/db/connection.ts';
import { describeEachDatabase, registerCustomer, type TestApp } from '../../test/harness.ts';

const ANDROID_CHROME =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
const IPHONE_LINE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/14.9.0';
const PASSWORD = 'sakura-password-2026';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A member and a second sign-in of hers, from her phone. */
async function memberOnTwoDevices(app: TestApp) {
  const { token, customer } = await registerCustomer(app, { deviceId: 'dev-sessions-0001' });
  const res = await app.api('POST', '/api/customer-auth/login', {
    token: null,
    body: { email: customer.email, password: PASSWORD },
    headers: { 'user-agent': IPHONE_LINE },
    remoteAddress: '198.51.100.77',
  });
  expect(res.statusCode, res.body).toBe(200);
  return { token, phone: res.json().token as string, customer };
}

describeEachDatabase('customers: her signed-in devices', (ctx) => {
  it('she sees her live sessions, newest first, with this one marked and the device named', async () => {
    const app = ctx();
    const { token, phone } = await memberOnTwoDevices(app);
    const res = await app.api('GET', '/api/account/sessions', { token: phone });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items;
    expect(items).toEqual([
      expect.objectContaining({ current: true, device: 'LINE · iPhone', ip: '198.51.100.77' }),
      expect.objectContaining({ current: false }),
    ]);
    for (const secret of [token, phone, sha256(token), sha256(phone)]) expect(res.body).not.toContain(secret);
    const fromPc = (await app.api('GET', '/api/account/sessions', { token })).json().items;
    expect(fromPc.map((i: { current: boolean }) => i.current)).toEqual([false, true]);
  });

  it('signing one device out ends its token; another member’s device is not hers to end (404)', async () => {
    const app = ctx();
    const { token, phone } = await memberOnTwoDevices(app);
    const stranger = await registerCustomer(app);
    const [phoneSession] = (await app.api('GET', '/api/account/sessions', { token })).json().items;
    const refused = await app.api('DELETE', `/api/account/sessions/${phoneSession.id}`, { token: stranger.token });
    expect(refused.statusCode).toBe(404);
    expect(refused.json().code).toBe('customer.session_not_found');
    expect((await app.api('GET', '/api/account', { token: phone })).statusCode).toBe(200);

    expect((await app.api('DELETE', `/api/account/sessions/${phoneSession.id}`, { token })).statusCode).toBe(204);
    expect((await app.api('GET', '/api/account', { token: phone })).statusCode).toBe(401);
    expect((await app.api('GET', '/api/account', { token })).statusCode).toBe(200);
  });

  it('「他のすべての端末からログアウト」 keeps this device; without keep every session ends', async () => {
    const app = ctx();
    const { token, phone, customer } = await memberOnTwoDevices(app);
    const stranger = await registerCustomer(app);
    const res = await app.api('DELETE', '/api/account/sessions?keep=current', { token });
    expect(res.json()).toEqual({ revoked: 1 });
    expect((await app.api('GET', '/api/account', { token: phone })).statusCode).toBe(401);
    expect((await app.api('GET', '/api/account', { token })).statusCode).toBe(200);
    expect((await app.api('GET', '/api/account', { token: stranger.token })).statusCode).toBe(200);

    const again = await app.api('POST', '/api/customer-auth/login', {
      token: null,
      body: { email: customer.email, password: PASSWORD },
    });
    expect((await app.api('DELETE', '/api/account/sessions', { token })).json()).toEqual({ revoked: 2 });
    for (const gone of [token, again.json().token])
      expect((await app.api('GET', '/api/account', { token: gone })).statusCode).toBe(401);
  });

  it('her last use is written at most every 5 minutes, not on every request', async () => {
    const app = ctx();
    const { token } = await registerCustomer(app);
    const db = app.server.database.db;
    const version = async () =>
      (
        await query<{ v: string }>(
          db,
          sql`SELECT xmin::text AS v FROM customer_sessions WHERE token_hash = ${sha256(token)}`,
        )
      )[0]!.v;
    const before = await version();
    for (let i = 0; i < 3; i++) await app.api('GET', '/api/account', { token });
    expect(await version()).toBe(before);
    await query(
      db,
      sql`UPDATE customer_sessions SET last_seen_at = now() - interval '6 minutes' WHERE token_hash = ${sha256(token)}`,
    );
    const stale = await version();
    await app.api('GET', '/api/account', { token });
    const seen = await version();
    expect(seen).not.toBe(stale);
    for (let i = 0; i < 3; i++) await app.api('GET', '/api/account', { token });
    expect(await version()).toBe(seen);
  });

  it('her export lists where she signed in (never a token), and deletion erases it', async () => {
    const app = ctx();
    const { token, phone, customer } = await memberOnTwoDevices(app);
    await app.api('DELETE', '/api/account/sessions?keep=current', { token });
    const exported = await app.api('POST', '/api/account/export', { token });
    expect(exported.statusCode, exported.body).toBe(200);
    const sessions = exported.json().sessions;
    expect(sessions).toHaveLength(2);
    expect(sessions[0]).toMatchObject({ device: 'LINE · iPhone', userAgent: IPHONE_LINE, ip: '198.51.100.77' });
    expect(sessions[0].revokedAt).not.toBeNull();
    expect(sessions[1]).toMatchObject({ deviceId: 'dev-sessions-0001', revokedAt: null });
    for (const secret of [token, phone, sha256(token), sha256(phone)]) expect(exported.body).not.toContain(secret);

    const deleted = await app.api('POST', '/api/account/delete', { token, body: { password: PASSWORD } });
    expect(deleted.statusCode, deleted.body).toBe(200);
    const left = await query<{ n: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS n FROM customer_sessions WHERE customer_id = ${customer.id}`,
    );
    expect(left[0]!.n).toBe(0);
  });
});
