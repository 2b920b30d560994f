import { expect, it } from 'vitest';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  receive,
  type TestApp,
  newStaff,
} from '../../test/harness.ts';
import { checksAllowedWithin } from '../../platform/login-throttle.ts';
import { holdDelay, standingDelay } from '../../test/login-throttle.ts';

describeEachDatabase('staff and roles', (ctx) => {
  it('a staff member logs in, sees who they are, and logs out for good', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const { token } = await newStaff(app, 'staff', [loc], { name: '山田 健太' });
    const me = await app.api('GET', '/api/me', { token });
    expect(me.json()).toMatchObject({ role: 'staff', locationIds: [loc], name: '山田 健太' });
    expect((await app.api('POST', '/api/auth/logout', { token })).statusCode).toBe(204);
    expect((await app.api('GET', '/api/me', { token })).statusCode).toBe(401);
  });

  it('e-mail is matched without regard to case or full-width letters', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const { email } = await newStaff(app, 'staff', [loc], { email: 'Kenta.Case@Example.jp', name: '山田 健太' });
    const res = await app.api('POST', '/api/auth/login', {
      token: null,
      body: { email: email.toUpperCase(), password: 'correct horse battery' },
    });
    expect(res.statusCode).toBe(200);
  });

  it('a wrong password is 401, and after five failures the account is throttled (429)', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const { email } = await newStaff(app, 'staff', [loc]);
    const from = '198.51.100.5';
    for (let i = 0; i < 5; i++) {
      const bad = await app.api('POST', '/api/auth/login', {
        token: null,
        remoteAddress: from,
        body: { email, password: 'wrong password' },
      });
      expect(bad.statusCode).toBe(401);
      expect(bad.json().code).toBe('auth.invalid_credentials');
    }
    // The fifth failure set a 1 s delay: the right password inside it is refused. (Held for the test: a
    // loaded machine can spend that second hashing the fifth password.)
    expect(await standingDelay(app, email, from)).toBe(1);
    await holdDelay(app, email, from);
    const locked = await app.api('POST', '/api/auth/login', {
      token: null,
      remoteAddress: from,
      body: { email, password: 'correct horse battery' },
    });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('auth.too_many_attempts');
  });

  it('100 parallel guesses check at most 5 passwords, and the guesser does not keep the owner out', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const { email } = await newStaff(app, 'staff', [loc]);
    const started = Date.now();
    const guesses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        app.api('POST', '/api/auth/login', {
          token: null,
          remoteAddress: '198.51.100.7',
          body: { email, password: `guess-${i}` },
        }),
      ),
    );
    const statuses = guesses.map((g) => g.statusCode);
    // Five checks, and one more for each doubling delay the burst outlasted
    const allowed = checksAllowedWithin(Date.now() - started);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(allowed);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(100 - allowed);
    expect(new Set(statuses)).toEqual(new Set([401, 429]));
    // The guesser's address stays refused, even with the right password …
    const fromGuesser = await app.api('POST', '/api/auth/login', {
      token: null,
      remoteAddress: '198.51.100.7',
      body: { email, password: 'correct horse battery' },
    });
    expect(fromGuesser.statusCode).toBe(429);
    // … while she signs in from her own.
    const fromHer = await app.api('POST', '/api/auth/login', {
      token: null,
      remoteAddress: '203.0.113.20',
      body: { email, password: 'correct horse battery' },
    });
    expect(fromHer.statusCode).toBe(200);
  });

  it('store roles act only in their own stores (403 elsewhere), and every change records who made it', async () => {
    const app = ctx();
    const mine = await createTestLocation(app);
    const theirs = await createTestLocation(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    const clerk = await newStaff(app, 'staff', [mine]);
    const here = await app.api('POST', '/api/stock-movements', {
      token: clerk.token,
      body: { variantId: v, locationId: mine, kind: 'receipt', quantity: 2 },
    });
    expect(here.statusCode).toBe(201);
    expect(here.json().movement.staffId).toBe(clerk.id);
    const there = await app.api('POST', '/api/stock-movements', {
      token: clerk.token,
      body: { variantId: v, locationId: theirs, kind: 'receipt', quantity: 2 },
    });
    expect(there.statusCode).toBe(403);
    expect(there.json().code).toBe('platform.forbidden');
    await receive(app, v!, theirs, 3);
    const reserveThere = await app.api('POST', '/api/reservations', {
      token: clerk.token,
      body: { lines: [{ variantId: v, locationId: theirs, quantity: 1 }], ttlSeconds: 60, reason: 'hold' },
    });
    expect(reserveThere.statusCode).toBe(403);
    const hq = await newStaff(app, 'hq', []);
    const hqRes = await app.api('POST', '/api/reservations', {
      token: hq.token,
      body: { lines: [{ variantId: v, locationId: theirs, quantity: 1 }], ttlSeconds: 60, reason: 'hold' },
    });
    expect(hqRes.statusCode).toBe(201);
    const releaseByClerk = await app.api('POST', `/api/reservations/${hqRes.json().id}/release`, {
      token: clerk.token,
    });
    expect(releaseByClerk.statusCode).toBe(403);
  });

  it('a store manager creates staff only at her stores; only owners create head office', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const elsewhere = await createTestLocation(app);
    const manager = await newStaff(app, 'store_manager', [loc]);
    const body = { name: 'x', password: 'correct horse battery', role: 'staff' };
    const byManager = await app.api('POST', '/api/staff', {
      token: manager.token,
      body: { ...body, email: 'x@example.jp', locationIds: [loc] },
    });
    expect(byManager.statusCode).toBe(201);
    const atAnotherStore = await app.api('POST', '/api/staff', {
      token: manager.token,
      body: { ...body, email: 'x2@example.jp', locationIds: [elsewhere] },
    });
    expect(atAnotherStore.statusCode).toBe(403);
    const managerMakesHq = await app.api('POST', '/api/staff', {
      token: manager.token,
      body: { ...body, email: 'x3@example.jp', role: 'hq', locationIds: [] },
    });
    expect(managerMakesHq.statusCode).toBe(403);
    const clerk = await newStaff(app, 'staff', [loc]);
    const byClerk = await app.api('POST', '/api/staff', {
      token: clerk.token,
      body: { ...body, email: 'x4@example.jp', locationIds: [loc] },
    });
    expect(byClerk.statusCode).toBe(403);
    const hq = await newStaff(app, 'hq', []);
    const hqMakesHq = await app.api('POST', '/api/staff', {
      token: hq.token,
      body: { email: 'y@example.jp', name: 'y', password: 'correct horse battery', role: 'hq', locationIds: [] },
    });
    expect(hqMakesHq.statusCode).toBe(403);
    const storeWithoutLocation = await app.api('POST', '/api/staff', {
      body: { email: 'z@example.jp', name: 'z', password: 'correct horse battery', role: 'staff', locationIds: [] },
    });
    expect(storeWithoutLocation.statusCode).toBe(400);
    const dup = await app.api('POST', '/api/staff', {
      body: { email: manager.email, name: 'dup', password: 'correct horse battery', role: 'staff', locationIds: [loc] },
    });
    expect(dup.statusCode).toBe(409);
    const unknownLoc = await app.api('POST', '/api/staff', {
      body: {
        email: 'w@example.jp',
        name: 'w',
        password: 'correct horse battery',
        role: 'staff',
        locationIds: ['loc_nope'],
      },
    });
    expect(unknownLoc.statusCode).toBe(404);
  });

  it('store staff cannot change the catalog', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const clerk = await newStaff(app, 'staff', [loc]);
    const res = await app.api('POST', '/api/products', {
      token: clerk.token,
      body: { name: 'x', taxRate: 10, variants: [{ sku: 'x-1', jan: '4901234567894', price: 100 }] },
    });
    expect(res.statusCode).toBe(403);
  });
});
