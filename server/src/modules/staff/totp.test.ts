import { expect, it } from 'vitest';
import { Secret, TOTP } from 'otpauth';
import { createTestLocation, describeEachDatabase, newStaff, type TestApp } from '../../test/harness.ts';
import { holdDelay, standingDelay } from '../../test/login-throttle.ts';

const PASSWORD = 'correct horse battery';

/** The code an authenticator app shows for this secret, `steps` periods from now. */
function codeFor(secret: string, steps = 0): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + steps * 30_000 });
}

/** A code that is none of the accepted ones (now and one step either side). */
function wrongCodeFor(secret: string): string {
  const good = new Set([-1, 0, 1].map((s) => codeFor(secret, s)));
  for (let i = 0; ; i++) {
    const c = String(i).padStart(6, '0');
    if (!good.has(c)) return c;
  }
}

async function enrol(app: TestApp, token: string): Promise<string> {
  const start = await app.api('POST', '/api/me/totp', { token });
  expect(start.statusCode).toBe(201);
  const { secret, uri } = start.json() as { secret: string; uri: string };
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  expect(uri).toMatch(/^otpauth:\/\/totp\/Musubi:.*secret=/);
  expect(uri).toContain('issuer=Musubi');
  const confirm = await app.api('POST', '/api/me/totp/confirm', { token, body: { code: codeFor(secret) } });
  expect(confirm.statusCode).toBe(204);
  return secret;
}

const login = (app: TestApp, email: string, totp?: string, remoteAddress?: string) =>
  app.api('POST', '/api/auth/login', {
    token: null,
    body: { email, password: PASSWORD, ...(totp !== undefined ? { totp } : {}) },
    ...(remoteAddress ? { remoteAddress } : {}),
  });

describeEachDatabase('staff two-factor sign-in (TOTP)', (ctx) => {
  it('after enrolment a login needs the code; a wrong one is refused and counted; a code is good once', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const { email, token } = await newStaff(app, 'store_manager', [loc]);
    expect((await app.api('GET', '/api/me', { token })).json().totp).toEqual({
      enabled: false,
      required: false,
      enrolmentRequired: false,
    });
    const secret = await enrol(app, token);
    expect((await app.api('GET', '/api/me', { token })).json().totp.enabled).toBe(true);

    const ip = '10.1.0.1';
    const missing = await login(app, email, undefined, ip);
    expect(missing.statusCode).toBe(401);
    expect(missing.json().code).toBe('auth.totp_required');
    const wrong = await login(app, email, wrongCodeFor(secret), ip);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('auth.totp_invalid');

    // The confirming code used this step: a later step's code signs in, and then cannot be used again.
    const next = codeFor(secret, 1);
    const ok = await login(app, email, next, ip);
    expect(ok.statusCode).toBe(200);
    const replay = await login(app, email, next, ip);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('auth.totp_invalid');
    // Nor an older one.
    expect((await login(app, email, codeFor(secret), ip)).json().code).toBe('auth.totp_invalid');

    // Missing and wrong codes count like wrong passwords: five failures at one address and it is 429.
    const other = '10.1.0.2';
    for (let i = 0; i < 3; i++) expect((await login(app, email, undefined, other)).statusCode).toBe(401);
    for (let i = 0; i < 2; i++) expect((await login(app, email, wrongCodeFor(secret), other)).statusCode).toBe(401);
    // The fifth set a 1 s delay, held for the test (a loaded machine can spend it on the fifth's password hash).
    expect(await standingDelay(app, email, other)).toBe(1);
    await holdDelay(app, email, other);
    const locked = await login(app, email, codeFor(secret, 1), other);
    expect(locked.statusCode).toBe(429);
  });

  it('the same code sent four times at once signs in once', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const { email, token } = await newStaff(app, 'staff', [loc]);
    const secret = await enrol(app, token);
    const code = codeFor(secret, 1);
    const answers = await Promise.all([1, 2, 3, 4].map((i) => login(app, email, code, `10.2.0.${i}`)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 401, 401, 401]);
  });

  it('a role the owner requires it of is held to the enrolment routes until enrolled, and cannot turn it off', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const { email } = await newStaff(app, 'staff', [loc]);
    const { token: managerToken } = await newStaff(app, 'store_manager', [loc]);

    expect((await app.api('GET', '/api/staff/security')).json()).toEqual({ requireTotpFor: [] });
    const byManager = await app.api('PUT', '/api/staff/security', {
      token: managerToken,
      body: { requireTotpFor: ['staff'] },
    });
    expect(byManager.statusCode).toBe(403);
    const put = await app.api('PUT', '/api/staff/security', { body: { requireTotpFor: ['staff', 'staff'] } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ requireTotpFor: ['staff'] });

    // Not enrolled: she signs in, but reaches only who-am-I, enrolment and logout.
    const signedIn = await login(app, email);
    expect(signedIn.statusCode).toBe(200);
    const token = signedIn.json().token as string;
    const me = await app.api('GET', '/api/me', { token });
    expect(me.statusCode).toBe(200);
    expect(me.json().totp).toEqual({ enabled: false, required: true, enrolmentRequired: true });
    const elsewhere = await app.api('GET', `/api/locations/${loc}`, { token });
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().code).toBe('auth.totp_enrolment_required');
    const write = await app.api('POST', '/api/staff', {
      token,
      body: { email: 'x@example.jp', name: 'x', password: 'long enough password', role: 'staff', locationIds: [loc] },
    });
    expect(write.statusCode).toBe(403);
    expect(write.json().code).toBe('auth.totp_enrolment_required');
    // Logout is open to her too (a second session, signed out while still held back).
    const second = (await login(app, email)).json().token as string;
    expect((await app.api('POST', '/api/auth/logout', { token: second })).statusCode).toBe(204);
    // The manager is not held back.
    expect((await app.api('GET', `/api/locations/${loc}`, { token: managerToken })).statusCode).toBe(200);

    const secret = await enrol(app, token);
    expect((await app.api('GET', `/api/locations/${loc}`, { token })).statusCode).toBe(200);
    expect((await app.api('GET', '/api/me', { token })).json().totp).toEqual({
      enabled: true,
      required: true,
      enrolmentRequired: false,
    });

    const off = await app.api('DELETE', '/api/me/totp', { token, body: { code: codeFor(secret, 1) } });
    expect(off.statusCode).toBe(403);
    expect(off.json().code).toBe('staff.totp_required_by_role');

    // Once the owner lifts it, a current code turns it off, and the password alone signs in again.
    await app.api('PUT', '/api/staff/security', { body: { requireTotpFor: [] } });
    const wrongOff = await app.api('DELETE', '/api/me/totp', { token, body: { code: wrongCodeFor(secret) } });
    expect(wrongOff.statusCode).toBe(422);
    expect(wrongOff.json().code).toBe('staff.totp_code_wrong');
    expect((await app.api('DELETE', '/api/me/totp', { token, body: { code: codeFor(secret, 1) } })).statusCode).toBe(
      204,
    );
    expect((await login(app, email)).statusCode).toBe(200);
    expect((await app.api('POST', '/api/auth/logout', { token })).statusCode).toBe(204);
  });

  it('enrolment refuses a wrong code and a second start while on; the bootstrap token cannot enrol', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const { token } = await newStaff(app, 'staff', [loc]);
    const start = await app.api('POST', '/api/me/totp', { token });
    const { secret } = start.json() as { secret: string };
    const wrong = await app.api('POST', '/api/me/totp/confirm', { token, body: { code: wrongCodeFor(secret) } });
    expect(wrong.statusCode).toBe(422);
    expect((await app.api('GET', '/api/me', { token })).json().totp.enabled).toBe(false);
    await app.api('POST', '/api/me/totp/confirm', { token, body: { code: codeFor(secret) } });
    const again = await app.api('POST', '/api/me/totp', { token });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('staff.totp_state');
    expect((await app.api('POST', '/api/me/totp')).statusCode).toBe(403);
  });
});
