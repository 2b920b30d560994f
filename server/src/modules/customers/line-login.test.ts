import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { describeEachDatabase, registerCustomer, type TestApp } from '../../test/harness.ts';
import { fakeLine, type FakeLine } from '../../test/partners.ts';

const CHANNEL = { channelId: '1657000001', channelSecret: 'line-login-channel-secret' };
let line: FakeLine;
beforeAll(async () => {
  line = await fakeLine(CHANNEL);
  process.env.LINE_LOGIN_CHANNEL_ID = CHANNEL.channelId;
  process.env.LINE_LOGIN_CHANNEL_SECRET = CHANNEL.channelSecret;
  process.env.LINE_LOGIN_URL = 'https://access.line.example';
  process.env.LINE_API_URL = line.url;
  process.env.PUBLIC_URL = 'https://shop.example.jp';
});
afterAll(async () => {
  for (const k of [
    'LINE_LOGIN_CHANNEL_ID',
    'LINE_LOGIN_CHANNEL_SECRET',
    'LINE_LOGIN_URL',
    'LINE_API_URL',
    'PUBLIC_URL',
  ])
    delete process.env[k];
  await line.close();
});

const lineUser = () =>
  `U${[...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;

/** She presses 「LINEと連携する」: the authorize URL, and what LINE would send back (state, nonce). */
async function start(app: TestApp, token: string, marketing = false) {
  const res = await app.api('POST', '/api/account/line/authorize', { token, body: { marketing } });
  expect(res.statusCode, res.body).toBe(200);
  const url = new URL(res.json().url);
  return { url, state: url.searchParams.get('state')!, nonce: url.searchParams.get('nonce')! };
}
const finish = (app: TestApp, token: string, code: string, state: string) =>
  app.api('POST', '/api/account/line/link', { token, body: { code, state } });

async function lineIdOf(app: TestApp, customerId: string) {
  const rows = await query<{ value: string }>(
    app.server.database.db,
    sql`SELECT value FROM customer_identifiers WHERE customer_id = ${customerId} AND kind = 'line'`,
  );
  return rows.map((r) => r.value);
}
async function lineConsent(app: TestApp, customerId: string) {
  const [row] = await query<{ granted: boolean }>(
    app.server.database.db,
    sql`SELECT granted FROM customer_consents WHERE customer_id = ${customerId} AND channel = 'line' AND purpose = 'marketing'`,
  );
  return row?.granted ?? null;
}

describeEachDatabase('customers: linking LINE (LINE Login)', (ctx) => {
  it('she links her LINE account: authorize URL, code traded server to server, her LINE user id kept', async () => {
    const app = ctx();
    const { token, customer } = await registerCustomer(app);
    const { url, state, nonce } = await start(app, token);
    expect(url.origin + url.pathname).toBe('https://access.line.example/oauth2/v2.1/authorize');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: CHANNEL.channelId,
      redirect_uri: 'https://shop.example.jp/account/line',
      scope: 'profile openid',
    });
    const sub = lineUser();
    const res = await finish(app, token, line.issueCode({ sub, nonce }), state);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ linked: true, marketing: false });
    expect(line.tokenRequests.at(-1)).toMatchObject({
      grant_type: 'authorization_code',
      redirect_uri: 'https://shop.example.jp/account/line',
      client_id: CHANNEL.channelId,
    });
    expect(await lineIdOf(app, customer.id)).toEqual([sub]);
    expect(await lineConsent(app, customer.id)).toBe(null); // she did not tick it
    expect((await app.api('GET', '/api/account/line', { token })).json()).toEqual({ linked: true, available: true });

    // Unlinking removes it.
    expect((await app.api('DELETE', '/api/account/line', { token })).statusCode).toBe(204);
    expect(await lineIdOf(app, customer.id)).toEqual([]);
    expect((await app.api('DELETE', '/api/account/line', { token })).statusCode).toBe(404);
  });

  it('ticking 「LINEでお知らせを受け取る」 records LINE marketing consent', async () => {
    const app = ctx();
    const { token, customer } = await registerCustomer(app);
    const { state, nonce } = await start(app, token, true);
    const res = await finish(app, token, line.issueCode({ sub: lineUser(), nonce }), state);
    expect(res.json()).toEqual({ linked: true, marketing: true });
    expect(await lineConsent(app, customer.id)).toBe(true);
  });

  it('a forged, another member’s or another session’s state is refused before LINE is asked', async () => {
    const app = ctx();
    const her = await registerCustomer(app);
    const other = await registerCustomer(app);
    const { state, nonce } = await start(app, her.token);
    const asked = line.tokenRequests.length;
    const [payload, mac] = state.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    const forged = `${Buffer.from(JSON.stringify({ ...claims, c: other.customer.id })).toString('base64url')}.${mac}`;
    for (const [token, st] of [
      [other.token, forged],
      [other.token, state], // hers, used by somebody else
      [her.token, `${payload}.${'A'.repeat(mac!.length)}`],
    ] as const) {
      const res = await finish(app, token, line.issueCode({ sub: lineUser(), nonce }), st);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('customer.line_state_invalid');
    }
    expect(line.tokenRequests.length).toBe(asked);
    expect(await lineIdOf(app, other.customer.id)).toEqual([]);
  });

  it('an ID token that is not LINE’s for this linking is refused: wrong signature, nonce, audience, expired', async () => {
    const app = ctx();
    const { token, customer } = await registerCustomer(app);
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, (nonce: string) => string]> = [
      [
        'signed with another secret',
        (nonce) => line.issueCode({ sub: lineUser(), nonce }, { secret: 'not-the-channel-secret' }),
      ],
      ['another linking’s nonce', () => line.issueCode({ sub: lineUser(), nonce: 'another-nonce' })],
      ['another channel', (nonce) => line.issueCode({ sub: lineUser(), nonce, aud: '1999999999' })],
      ['expired', (nonce) => line.issueCode({ sub: lineUser(), nonce, exp: now - 60 })],
      ['another issuer', (nonce) => line.issueCode({ sub: lineUser(), nonce, iss: 'https://evil.example' })],
      ['a code LINE never issued', () => 'made-up-code'],
    ];
    for (const [why, code] of cases) {
      const { state, nonce } = await start(app, token);
      const res = await finish(app, token, code(nonce), state);
      expect(res.statusCode, why).toBe(400);
      expect(res.json().code, why).toBe('customer.line_login_failed');
      expect(res.json().detail).toContain('もう一度');
    }
    expect(await lineIdOf(app, customer.id)).toEqual([]);
  });

  it('a LINE account already linked to another member is 409', async () => {
    const app = ctx();
    const first = await registerCustomer(app);
    const second = await registerCustomer(app);
    const sub = lineUser();
    const a = await start(app, first.token);
    expect((await finish(app, first.token, line.issueCode({ sub, nonce: a.nonce }), a.state)).statusCode).toBe(200);
    const b = await start(app, second.token);
    const res = await finish(app, second.token, line.issueCode({ sub, nonce: b.nonce }), b.state);
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('customer.identifier_taken');
    expect(await lineIdOf(app, first.customer.id)).toEqual([sub]);
    expect(await lineIdOf(app, second.customer.id)).toEqual([]);
  });
});
