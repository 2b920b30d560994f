import { expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { describeEachDatabase, registerCustomer, type TestApp } from '../../test/harness.ts';
import { outbox } from '../../platform/db/platform-schema.ts';
import { checksAllowedWithin } from '../../platform/login-throttle.ts';

const PASSWORD = 'sakura-password-2026';

const login = (app: TestApp, from: string, body: Record<string, unknown>) =>
  app.api('POST', '/api/customer-auth/login', { token: null, remoteAddress: from, body });

async function mailsTo(app: TestApp, email: string, template: string) {
  return app.server.database.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.recipient, email), eq(outbox.template, template)))
    .orderBy(outbox.id);
}

describeEachDatabase('member logins resist guessing', (ctx) => {
  it('100 parallel wrong guesses check at most five passwords, and she still signs in from her own address', async () => {
    const app = ctx();
    const { customer } = await registerCustomer(app);
    const started = Date.now();
    const guesses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        login(app, '198.51.100.60', { email: customer.email, password: `guess-${i}` }),
      ),
    );
    const checked = guesses.filter((g) => g.statusCode !== 429);
    expect(checked.length).toBeLessThanOrEqual(checksAllowedWithin(Date.now() - started));
    expect(guesses.find((g) => g.statusCode === 429)!.headers['retry-after']).toMatch(/^\d+$/);
    expect((await login(app, '203.0.113.60', { email: customer.email, password: PASSWORD })).statusCode).toBe(200);
  });

  it('after ten failures from many addresses, she signs in with her password and the code e-mailed to her', async () => {
    const app = ctx();
    const { customer } = await registerCustomer(app);
    for (let i = 0; i < 10; i++) {
      const r = await login(app, `198.51.100.${70 + (i % 5)}`, { email: customer.email, password: `guess-${i}` });
      expect(r.json().code).toBe('auth.invalid_credentials');
    }
    const notices = await mailsTo(app, customer.email, 'login_attempts_notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.payload).toMatchObject({ failures: 10, app: 'customer' });

    const asked = await login(app, '203.0.113.61', { email: customer.email, password: PASSWORD });
    expect(asked.statusCode).toBe(401);
    expect(asked.json().code).toBe('auth.email_code_required');
    const [mail] = await mailsTo(app, customer.email, 'login_code');
    const inside = await login(app, '203.0.113.61', {
      email: customer.email,
      password: PASSWORD,
      emailCode: String(mail!.payload.code),
    });
    expect(inside.statusCode).toBe(200);
    expect(inside.json().customer.id).toBe(customer.id);
    // Still one notice for the window, however the attempts went on.
    expect(await mailsTo(app, customer.email, 'login_attempts_notice')).toHaveLength(1);
  });
});
