import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { query } from '../../platform/db/connection.ts';
import {
  STAFF_PASSWORD,
  createTestLocation,
  describeEachDatabase,
  newStaff,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';

const WINDOWS_CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

/** Sign her in again from another device. */
async function signIn(app: TestApp, email: string, userAgent: string, remoteAddress: string): Promise<string> {
  const res = await app.api('POST', '/api/auth/login', {
    token: null,
    body: { email, password: STAFF_PASSWORD },
    headers: { 'user-agent': userAgent },
    remoteAddress,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().token;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describeEachDatabase('staff: her signed-in devices', (ctx) => {
  it('she sees her live sessions, newest first, with this one marked and each device named', async () => {
    const app = ctx();
    const { email, token: first } = await newStaff(app, 'staff', [await createTestLocation(app)]);
    const pc = await signIn(app, email, WINDOWS_CHROME, '203.0.113.5');
    const phone = await signIn(app, email, IPHONE_SAFARI, '198.51.100.9');
    const res = await app.api('GET', '/api/me/sessions', { token: phone });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items;
    expect(items).toHaveLength(3);
    expect(items[0]).toMatchObject({ current: true, device: 'Safari · iPhone', ip: '198.51.100.9' });
    expect(items[1]).toMatchObject({ current: false, device: 'Chrome · Windows', userAgent: WINDOWS_CHROME });
    expect(items[2].current).toBe(false);
    // The handle is a short public one: never the token, never its whole hash.
    for (const item of items) expect(item.id).toMatch(/^[0-9a-f]{16}$/);
    for (const secret of [first, pc, phone, sha256(pc), sha256(phone)]) expect(res.body).not.toContain(secret);
  });

  it('signing one device out ends its token (401); asking again is 404', async () => {
    const app = ctx();
    const { email, token } = await newStaff(app, 'staff', [await createTestLocation(app)]);
    const pc = await signIn(app, email, WINDOWS_CHROME, '203.0.113.5');
    const items = (await app.api('GET', '/api/me/sessions', { token })).json().items;
    const other = items.find((i: { device: string | null }) => i.device === 'Chrome · Windows');
    expect((await app.api('DELETE', `/api/me/sessions/${other.id}`, { token })).statusCode).toBe(204);
    expect((await app.api('GET', '/api/me', { token: pc })).statusCode).toBe(401);
    expect((await app.api('GET', '/api/me', { token })).statusCode).toBe(200);
    const again = await app.api('DELETE', `/api/me/sessions/${other.id}`, { token });
    expect(again.statusCode).toBe(404);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.json().code).toBe('staff.session_not_found');
    // Only a handle is taken, never a whole hash or a token.
    expect((await app.api('DELETE', `/api/me/sessions/${sha256(token)}`, { token })).statusCode).toBe(400);
  });

  it('signing out everywhere else keeps this device and ends the others; without keep it ends them all', async () => {
    const app = ctx();
    const { email, token } = await newStaff(app, 'staff', [await createTestLocation(app)]);
    const pc = await signIn(app, email, WINDOWS_CHROME, '203.0.113.5');
    const phone = await signIn(app, email, IPHONE_SAFARI, '198.51.100.9');
    const others = await app.api('DELETE', '/api/me/sessions?keep=current', { token });
    expect(others.statusCode, others.body).toBe(200);
    expect(others.json()).toEqual({ revoked: 2 });
    for (const gone of [pc, phone]) expect((await app.api('GET', '/api/me', { token: gone })).statusCode).toBe(401);
    const left = (await app.api('GET', '/api/me/sessions', { token })).json().items;
    expect(left).toEqual([expect.objectContaining({ current: true })]);

    const tablet = await signIn(app, email, IPHONE_SAFARI, '198.51.100.10');
    expect((await app.api('DELETE', '/api/me/sessions', { token })).json()).toEqual({ revoked: 2 });
    for (const gone of [token, tablet]) expect((await app.api('GET', '/api/me', { token: gone })).statusCode).toBe(401);
  });

  it('a staff member cannot sign out a colleague’s device', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const her = await newStaff(app, 'staff', [loc]);
    const manager = await newStaff(app, 'store_manager', [loc]);
    const [hers] = (await app.api('GET', '/api/me/sessions', { token: her.token })).json().items;
    const res = await app.api('DELETE', `/api/me/sessions/${hers.id}`, { token: manager.token });
    expect(res.statusCode).toBe(404);
    expect((await app.api('GET', '/api/me', { token: her.token })).statusCode).toBe(200);
    // Her colleague's "everywhere" is only the colleague's own sessions.
    await app.api('DELETE', '/api/me/sessions', { token: manager.token });
    expect((await app.api('GET', '/api/me', { token: her.token })).statusCode).toBe(200);
  });

  it('a member’s token is refused by the staff session routes, and a staff token by the member’s', async () => {
    const app = ctx();
    const staff = await newStaff(app, 'staff', [await createTestLocation(app)]);
    const member = await registerCustomer(app);
    const [staffSession] = (await app.api('GET', '/api/me/sessions', { token: staff.token })).json().items;
    const [memberSession] = (await app.api('GET', '/api/account/sessions', { token: member.token })).json().items;
    const refusals = [
      await app.api('GET', '/api/me/sessions', { token: member.token }),
      await app.api('DELETE', `/api/me/sessions/${staffSession.id}`, { token: member.token }),
      await app.api('DELETE', '/api/me/sessions', { token: member.token }),
      await app.api('GET', '/api/account/sessions', { token: staff.token }),
      await app.api('DELETE', `/api/account/sessions/${memberSession.id}`, { token: staff.token }),
      await app.api('DELETE', '/api/account/sessions', { token: staff.token }),
    ];
    expect(refusals.map((r) => r.statusCode)).toEqual([403, 403, 403, 403, 403, 403]);
    expect((await app.api('GET', '/api/me', { token: staff.token })).statusCode).toBe(200);
    expect((await app.api('GET', '/api/account', { token: member.token })).statusCode).toBe(200);
  });

  it('her last use is written at most every 5 minutes, not on every request', async () => {
    const app = ctx();
    const { token } = await newStaff(app, 'staff', [await createTestLocation(app)]);
    const db = app.server.database.db;
    const row = async () =>
      (
        await query<{ version: string; lastSeenAt: string; stale: boolean }>(
          db,
          sql`SELECT xmin::text AS version, last_seen_at::text AS "lastSeenAt",
                     last_seen_at < now() - interval '1 minute' AS stale
                FROM staff_sessions WHERE token_hash = ${sha256(token)}`,
        )
      )[0]!;
    const signedIn = await row();
    for (let i = 0; i < 3; i++) expect((await app.api('GET', '/api/me', { token })).statusCode).toBe(200);
    expect(await row()).toEqual(signedIn); // the row was not written at all (same xmin)

    await query(
      db,
      sql`UPDATE staff_sessions SET last_seen_at = now() - interval '6 minutes' WHERE token_hash = ${sha256(token)}`,
    );
    expect((await row()).stale).toBe(true);
    await app.api('GET', '/api/me', { token });
    const seen = await row();
    expect(seen.stale).toBe(false);
    for (let i = 0; i < 3; i++) await app.api('GET', '/api/me', { token });
    expect(await row()).toEqual(seen);
    const [listed] = (await app.api('GET', '/api/me/sessions', { token })).json().items;
    expect(Date.parse(listed.lastSeenAt)).toBeGreaterThan(Date.now() - 60_000);
  });
});
