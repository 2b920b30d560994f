import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  newStaff,
  receive,
  STAFF_PASSWORD,
  type TestApp,
} from '../../test/harness.ts';
import { isWeakPin } from './pins.ts';

async function setPin(app: TestApp, token: string, pin: string, password = STAFF_PASSWORD) {
  return app.api('PUT', '/api/me/pin', { token, body: { pin, password } });
}

async function auditOf(app: TestApp, subjectId: string) {
  return query<{ action: string; actor: string }>(
    app.server.database.db,
    sql`SELECT action, actor FROM audit_log WHERE subject_id = ${subjectId} ORDER BY at, id`,
  );
}

/** A store whose till is signed in by its manager, and a clerk of the store with her PIN set. */
async function tillWithClerk(app: TestApp, clerkName = '山田 花子') {
  const store = await createTestLocation(app);
  const manager = await newStaff(app, 'store_manager', [store], { name: '店長 佐藤' });
  const clerk = await newStaff(app, 'staff', [store], { name: clerkName });
  expect((await setPin(app, clerk.token, '4826')).statusCode).toBe(204);
  return { store, manager, clerk };
}

describeEachDatabase('till PINs (担当切替)', (ctx) => {
  it('weak PINs are the repeated digits and the straight runs', () => {
    for (const weak of ['0000', '1234', '123456', '4321', '987654', '777777', '3456'])
      expect(isWeakPin(weak)).toBe(true);
    for (const fine of ['4826', '1357', '2580', '120034', '1233']) expect(isWeakPin(fine)).toBe(false);
  });

  it('a clerk sets her own PIN with her password; weak or malformed ones are refused in Japanese', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const clerk = await newStaff(app, 'staff', [store]);
    const weak = await app.api('PUT', '/api/me/pin', {
      token: clerk.token,
      body: { pin: '1234', password: STAFF_PASSWORD },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors[0]).toMatchObject({ field: 'pin' });
    expect(weak.json().errors[0].message).toContain('推測されやすい');
    expect((await setPin(app, clerk.token, '000000')).statusCode).toBe(400);
    expect((await setPin(app, clerk.token, '12a4')).statusCode).toBe(400);
    expect((await setPin(app, clerk.token, '1234567')).statusCode).toBe(400);
    const wrongPassword = await setPin(app, clerk.token, '4826', 'not her password');
    expect(wrongPassword.statusCode).toBe(400);
    expect(wrongPassword.json().errors[0]).toMatchObject({ field: 'password' });
    // Full-width digits from a Japanese IME are the same PIN.
    expect((await setPin(app, clerk.token, '４８２６')).statusCode).toBe(204);
    expect((await app.api('GET', '/api/me', { token: clerk.token })).json().pinSet).toBe(true);
    const [row] = await query<{ pin_hash: string }>(
      app.server.database.db,
      sql`SELECT pin_hash FROM staff_users WHERE id = ${clerk.id}`,
    );
    expect(row?.pin_hash).toMatch(/^scrypt\$32768\$/);
    expect(row?.pin_hash).not.toContain('4826');
    expect((await auditOf(app, clerk.id)).map((a) => a.action)).toContain('staff.pin_set');
  });

  it("her store's manager or head office resets a PIN; another store's manager and a clerk cannot", async () => {
    const app = ctx();
    const { store, manager, clerk } = await tillWithClerk(app);
    const other = await createTestLocation(app);
    const otherManager = await newStaff(app, 'store_manager', [other]);
    const colleague = await newStaff(app, 'staff', [store]);
    const reset = (token: string) => app.api('DELETE', `/api/staff/${clerk.id}/pin`, { token });
    expect((await reset(otherManager.token)).statusCode).toBe(404);
    expect((await reset(colleague.token)).statusCode).toBe(403);
    expect((await reset(manager.token)).statusCode).toBe(204);
    expect((await app.api('GET', '/api/me', { token: clerk.token })).json().pinSet).toBe(false);
    const hq = await newStaff(app, 'hq', []);
    expect((await reset(hq.token)).statusCode).toBe(204);
    const audit = await auditOf(app, clerk.id);
    expect(audit.filter((a) => a.action === 'staff.pin_reset').map((a) => a.actor)).toEqual([manager.id, hq.id]);
    // Reset, the switch says she has no PIN (she is on the store's list, so that is no secret).
    const sw = await app.api('POST', '/api/staff/switch', {
      token: manager.token,
      body: { locationId: store, staffId: clerk.id, pin: '4826' },
    });
    expect(sw.statusCode).toBe(409);
    expect(sw.json().code).toBe('staff.pin_not_set');
  });

  it('the till switches to the clerk with her PIN: the old session ends, and her sale, receipt and X report say 担当', async () => {
    const app = ctx();
    const { store, manager, clerk } = await tillWithClerk(app, '山田 花子');
    const { variantIds, jans } = await createTestProduct(app, { name: 'リネンシャツ' });
    await receive(app, variantIds[0]!, store, 5);
    const opened = await app.api('POST', '/api/till-sessions', {
      token: manager.token,
      body: { locationId: store, float: 30000, registerName: 'レジ1' },
    });
    expect(opened.statusCode, opened.body).toBe(201);

    const list = await app.api('GET', `/api/staff/operators?locationId=${store}`, { token: manager.token });
    expect(list.json().items).toEqual(
      expect.arrayContaining([
        { id: clerk.id, name: '山田 花子', pinSet: true },
        { id: manager.id, name: '店長 佐藤', pinSet: false },
      ]),
    );
    const sw = await app.api('POST', '/api/staff/switch', {
      token: manager.token,
      body: { locationId: store, staffId: clerk.id, pin: '４８２６' },
    });
    expect(sw.statusCode, sw.body).toBe(200);
    expect(sw.json().staff).toMatchObject({ id: clerk.id, name: '山田 花子', role: 'staff' });
    const till = sw.json().token as string;
    expect((await app.api('GET', '/api/me', { token: manager.token })).statusCode).toBe(401);
    expect((await app.api('GET', '/api/me', { token: till })).json()).toMatchObject({ id: clerk.id });

    const sale = await app.api('POST', '/api/pos/sales', {
      token: till,
      body: {
        locationId: store,
        lines: [{ jan: jans[0], quantity: 1 }],
        payments: [{ method: 'cash', amount: 1100 }],
        clientTransactionId: 'pin-till-0001',
      },
    });
    expect(sale.statusCode, sale.body).toBe(201);
    expect(sale.json().receipt.clerk).toBe('山田 花子');
    const [order] = await query<{ staff_id: string }>(
      app.server.database.db,
      sql`SELECT staff_id FROM orders WHERE id = ${sale.json().order.id}`,
    );
    expect(order?.staff_id).toBe(clerk.id);
    const x = await app.api('GET', `/api/till-sessions/${opened.json().id}/x-report`, { token: till });
    expect(x.json().byStaff).toEqual([{ staffId: clerk.id, name: '山田 花子', count: 1, amount: 1100 }]);
  });

  it('a name not on the store list is answered like a wrong PIN: another store, deactivated, unknown', async () => {
    const app = ctx();
    const { store, manager } = await tillWithClerk(app);
    const other = await createTestLocation(app);
    const elsewhere = await newStaff(app, 'staff', [other]);
    expect((await setPin(app, elsewhere.token, '4826')).statusCode).toBe(204);
    const gone = await newStaff(app, 'staff', [store]);
    expect((await setPin(app, gone.token, '4826')).statusCode).toBe(204);
    const off = await app.api('PATCH', `/api/staff/${gone.id}`, { token: manager.token, body: { active: false } });
    expect(off.statusCode, off.body).toBe(200);
    for (const staffId of [elsewhere.id, gone.id, 'stf_nobody']) {
      const res = await app.api('POST', '/api/staff/switch', {
        token: manager.token,
        body: { locationId: store, staffId, pin: '4826' },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('staff.pin_wrong');
    }
    // A till of another store cannot switch here at all.
    const otherTill = await newStaff(app, 'staff', [other]);
    const away = await app.api('POST', '/api/staff/switch', {
      token: otherTill.token,
      body: { locationId: store, staffId: elsewhere.id, pin: '4826' },
    });
    expect(away.statusCode).toBe(403);
    expect(away.json().code).toBe('platform.forbidden');
  });

  it('20 parallel wrong PINs check at most five, then her switch is paused with a 429 in Japanese', async () => {
    const app = ctx();
    const { store, manager, clerk } = await tillWithClerk(app);
    const guesses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        app.api('POST', '/api/staff/switch', {
          token: manager.token,
          body: { locationId: store, staffId: clerk.id, pin: String(100000 + i * 7919) },
        }),
      ),
    );
    const codes = guesses.map((g) => g.json().code);
    expect(codes.filter((c) => c === 'staff.pin_wrong')).toHaveLength(5);
    expect(codes.filter((c) => c === 'staff.pin_locked')).toHaveLength(15);
    // Even her right PIN waits now, and the answer says how long.
    const right = await app.api('POST', '/api/staff/switch', {
      token: manager.token,
      body: { locationId: store, staffId: clerk.id, pin: '4826' },
    });
    expect(right.statusCode).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(60);
    expect(right.json().title).toBe('担当切替を一時停止しています');
    expect(right.json().detail).toMatch(/分ほど使えません/);
    const en = await app.api('POST', '/api/staff/switch', {
      token: manager.token,
      headers: { 'accept-language': 'en' },
      body: { locationId: store, staffId: clerk.id, pin: '4826' },
    });
    expect(en.json().title).toBe('PIN switch paused');
    // Her password login is untouched: the wall is on PIN switches only.
    const login = await app.api('POST', '/api/auth/login', {
      token: null,
      body: { email: clerk.email, password: STAFF_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
  });

  it('one till walking the whole list is stopped after 50 guesses', async () => {
    const app = ctx();
    const { store, manager } = await tillWithClerk(app);
    const names = await Promise.all(Array.from({ length: 11 }, () => newStaff(app, 'staff', [store])));
    const answers: string[] = [];
    for (const n of names)
      for (let i = 0; i < 5; i++) {
        const res = await app.api('POST', '/api/staff/switch', {
          token: manager.token,
          remoteAddress: '203.0.113.9',
          body: { locationId: store, staffId: n.id, pin: '4826' },
        });
        answers.push(res.json().code);
      }
    // None has a PIN (409 each), but each try was counted against the device first.
    expect(answers.slice(0, 50).every((c) => c === 'staff.pin_not_set')).toBe(true);
    expect(answers.slice(50).every((c) => c === 'staff.pin_locked')).toBe(true);
  });
});
