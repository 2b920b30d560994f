import { expect, it } from 'vitest';
import { Secret, TOTP } from 'otpauth';
import { and, eq } from 'drizzle-orm';
import {
  createTestLocation,
  describeEachDatabase,
  newStaff,
  STAFF_PASSWORD,
  type TestApp,
} from '../../test/harness.ts';
import { outbox } from '../../platform/db/platform-schema.ts';
import { checksAllowedWithin, delaySeconds } from '../../platform/login-throttle.ts';
import { standingDelay, startsNow, waitOut } from '../../test/login-throttle.ts';

const login = (app: TestApp, from: string, body: Record<string, unknown>) =>
  app.api('POST', '/api/auth/login', { token: null, remoteAddress: from, body });

/** Mails queued to her, of one template, oldest first. */
async function mailsTo(app: TestApp, email: string, template: string) {
  return app.server.database.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.recipient, email), eq(outbox.template, template)))
    .orderBy(outbox.id);
}

/** Ten wrong passwords on her account, two from each of five addresses (no address reaches its own limit). */
async function tenFailures(app: TestApp, email: string, net: string) {
  for (let i = 0; i < 10; i++) {
    const r = await login(app, `${net}.${i % 5}`, { email, password: `guess-${i}` });
    expect(r.json().code).toBe('auth.invalid_credentials');
  }
}

describeEachDatabase('staff logins resist guessing', (ctx) => {
  it('100 parallel wrong guesses check at most five passwords; every refusal says when to retry', async () => {
    const app = ctx();
    const { email } = await newStaff(app, 'staff', [await createTestLocation(app)]);
    const started = Date.now();
    const guesses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => login(app, '198.51.100.40', { email, password: `guess-${i}` })),
    );
    const checked = guesses.filter((g) => g.statusCode !== 429);
    expect(checked.length).toBeLessThanOrEqual(checksAllowedWithin(Date.now() - started));
    expect(checked.every((g) => g.json().code === 'auth.invalid_credentials')).toBe(true);
    for (const refused of guesses.filter((g) => g.statusCode === 429)) {
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(refused.json()).toMatchObject({ code: 'auth.too_many_attempts' });
      expect(refused.json().retryAfterSeconds).toBe(Number(refused.headers['retry-after']));
    }
  });

  it('past five failures the wait doubles with each one (1 s, 2 s, 4 s …), and a right password inside it is not checked', async () => {
    const app = ctx();
    const { email } = await newStaff(app, 'staff', [await createTestLocation(app)]);
    const from = '198.51.100.41';
    for (let i = 0; i < 5; i++) expect((await login(app, from, { email, password: 'wrong' })).statusCode).toBe(401);
    for (const wait of [1, 2, 4, 8]) {
      expect(await standingDelay(app, email, from)).toBe(wait);
      await startsNow(app, email, from); // (a slow machine may have spent it checking the last password)
      const refused = await login(app, from, { email, password: STAFF_PASSWORD });
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe(String(wait));
      expect(refused.json().retryAfterSeconds).toBe(wait);
      await waitOut(app, email, from);
      expect((await login(app, from, { email, password: 'wrong' })).statusCode).toBe(401);
    }
    expect([4, 5, 6, 14, 20].map(delaySeconds)).toEqual([0, 1, 2, 512, 900]);
    await waitOut(app, email, from);
    expect((await login(app, from, { email, password: STAFF_PASSWORD })).statusCode).toBe(200);
  });

  it("an attacker's failures from one address do not stop her signing in from her own", async () => {
    const app = ctx();
    const { email } = await newStaff(app, 'staff', [await createTestLocation(app)]);
    for (let i = 0; i < 8; i++) await login(app, '198.51.100.42', { email, password: `guess-${i}` });
    expect((await login(app, '198.51.100.42', { email, password: STAFF_PASSWORD })).statusCode).toBe(429);
    expect((await login(app, '203.0.113.42', { email, password: STAFF_PASSWORD })).statusCode).toBe(200);
  });

  it('after ten failures from anywhere, her password and the code e-mailed to her get her in; the code works once', async () => {
    const app = ctx();
    const { email } = await newStaff(app, 'staff', [await createTestLocation(app)]);
    await tenFailures(app, email, '198.51.100');

    const asked = await login(app, '203.0.113.43', { email, password: STAFF_PASSWORD });
    expect(asked.statusCode).toBe(401);
    expect(asked.json()).toMatchObject({ code: 'auth.email_code_required', validMinutes: 10 });
    const [mail] = await mailsTo(app, email, 'login_code');
    const code = String(mail!.payload.code);
    expect(code).toMatch(/^\d{6}$/);

    const other = code === '000000' ? '111111' : '000000';
    const wrongCode = await login(app, '203.0.113.43', { email, password: STAFF_PASSWORD, emailCode: other });
    expect(wrongCode.json().code).toBe('auth.email_code_invalid');
    // A guesser holding the code but not the password learns nothing new, and spends nothing of hers.
    const wrongPassword = await login(app, '198.51.100.9', { email, password: 'guess', emailCode: code });
    expect(wrongPassword.json().code).toBe('auth.email_code_invalid');

    const inside = await login(app, '203.0.113.43', { email, password: STAFF_PASSWORD, emailCode: `${code} ` });
    expect(inside.statusCode).toBe(200);
    // Proven, she starts afresh: her next sign-in needs only the password.
    expect((await login(app, '203.0.113.43', { email, password: STAFF_PASSWORD })).statusCode).toBe(200);

    // The code is spent: after another ten failures it does not open the account again.
    await tenFailures(app, email, '198.51.101');
    const replay = await login(app, '203.0.113.44', { email, password: STAFF_PASSWORD, emailCode: code });
    expect(replay.json().code).toBe('auth.email_code_invalid');
  });

  it('past the limit a wrong password answers like a right one, and no code is sent for it', async () => {
    const app = ctx();
    const { email } = await newStaff(app, 'staff', [await createTestLocation(app)]);
    await tenFailures(app, email, '198.51.102');
    const guess = await login(app, '198.51.102.9', { email, password: 'guess' });
    expect(guess.statusCode).toBe(401);
    expect(guess.json().code).toBe('auth.email_code_required');
    expect(await mailsTo(app, email, 'login_code')).toHaveLength(0);
    // An e-mail nobody signs in with answers the same.
    const nobody = 'nobody.here@example.jp';
    await tenFailures(app, nobody, '198.51.103');
    expect((await login(app, '198.51.103.9', { email: nobody, password: 'x' })).json().code).toBe(
      'auth.email_code_required',
    );
  });

  it('five wrong codes burn the code; she asks for a new one with her password', async () => {
    const app = ctx();
    const { email } = await newStaff(app, 'staff', [await createTestLocation(app)]);
    await tenFailures(app, email, '198.51.104');
    await login(app, '203.0.113.45', { email, password: STAFF_PASSWORD });
    const code = String((await mailsTo(app, email, 'login_code'))[0]!.payload.code);
    const other = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const r = await login(app, `203.0.114.${i}`, { email, password: STAFF_PASSWORD, emailCode: other });
      expect(r.json().code).toBe('auth.email_code_invalid');
    }
    const burnt = await login(app, '203.0.113.45', { email, password: STAFF_PASSWORD, emailCode: code });
    expect(burnt.json().code).toBe('auth.email_code_invalid');
    await login(app, '203.0.113.45', { email, password: STAFF_PASSWORD });
    const fresh = String((await mailsTo(app, email, 'login_code')).at(-1)!.payload.code);
    expect((await login(app, '203.0.113.45', { email, password: STAFF_PASSWORD, emailCode: fresh })).statusCode).toBe(
      200,
    );
  });

  it('with two-factor on, the e-mailed code is spent only when her authenticator code is right too', async () => {
    const app = ctx();
    const { email, token } = await newStaff(app, 'store_manager', [await createTestLocation(app)]);
    const { secret } = (await app.api('POST', '/api/me/totp', { token })).json() as { secret: string };
    const totp = (steps: number) =>
      new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({
        timestamp: Date.now() + steps * 30_000,
      });
    expect((await app.api('POST', '/api/me/totp/confirm', { token, body: { code: totp(0) } })).statusCode).toBe(204);
    await tenFailures(app, email, '198.51.107');
    await login(app, '203.0.113.47', { email, password: STAFF_PASSWORD });
    const emailCode = String((await mailsTo(app, email, 'login_code'))[0]!.payload.code);
    const next = await login(app, '203.0.113.47', { email, password: STAFF_PASSWORD, emailCode });
    expect(next.json().code).toBe('auth.totp_required');
    const inside = await login(app, '203.0.113.47', { email, password: STAFF_PASSWORD, emailCode, totp: totp(1) });
    expect(inside.statusCode, inside.body).toBe(200);
  });

  it('the owner of the account hears once per window that sign-ins keep failing', async () => {
    const app = ctx();
    const { email } = await newStaff(app, 'staff', [await createTestLocation(app)]);
    for (let i = 0; i < 9; i++) await login(app, `198.51.105.${i}`, { email, password: `guess-${i}` });
    expect(await mailsTo(app, email, 'login_attempts_notice')).toHaveLength(0);
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => login(app, `198.51.106.${i}`, { email, password: `guess-${i}` })),
    );
    const notices = await mailsTo(app, email, 'login_attempts_notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.payload).toMatchObject({ app: 'staff' });
    expect(Number(notices[0]!.payload.failures)).toBeGreaterThanOrEqual(10);
  });
});
