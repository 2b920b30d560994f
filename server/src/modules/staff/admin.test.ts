import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import {
  createTestLocation,
  describeEachDatabase,
  newStaff,
  STAFF_PASSWORD,
  type TestApp,
} from '../../test/harness.ts';

async function auditOf(app: TestApp, subjectId: string) {
  return query<{ action: string; actor: string; detail: Record<string, unknown> }>(
    app.server.database.db,
    sql`SELECT action, actor, detail FROM audit_log WHERE subject_id = ${subjectId} AND subject_type = 'staff' ORDER BY at, id`,
  );
}

describeEachDatabase('staff administration (スタッフ管理)', (ctx) => {
  it('a manager invites a clerk with a temporary password shown once; she signs in and changes it', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const manager = await newStaff(app, 'store_manager', [store]);
    const created = await app.api('POST', '/api/staff', {
      token: manager.token,
      body: { email: 'Hanako.Invite@Example.jp', name: '新人 花子', role: 'staff', locationIds: [store] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const temporary = created.json().temporaryPassword as string;
    expect(temporary.length).toBeGreaterThanOrEqual(12);
    expect(created.json()).toMatchObject({ email: 'hanako.invite@example.jp', active: true, pinSet: false });
    const list = (await app.api('GET', '/api/staff', { token: manager.token })).json().items;
    expect(list.find((s: { id: string }) => s.id === created.json().id)).not.toHaveProperty('temporaryPassword');

    const login = await app.api('POST', '/api/auth/login', {
      token: null,
      body: { email: 'hanako.invite@example.jp', password: temporary },
    });
    expect(login.statusCode).toBe(200);
    const token = login.json().token as string;
    const wrong = await app.api('PUT', '/api/me/password', {
      token,
      body: { currentPassword: 'not it at all', newPassword: 'hanako-new-password' },
    });
    expect(wrong.statusCode).toBe(400);
    const changed = await app.api('PUT', '/api/me/password', {
      token,
      body: { currentPassword: temporary, newPassword: 'hanako-new-password' },
    });
    expect(changed.statusCode).toBe(204);
    const again = await app.api('POST', '/api/auth/login', {
      token: null,
      body: { email: 'hanako.invite@example.jp', password: 'hanako-new-password' },
    });
    expect(again.statusCode).toBe(200);
    expect((await auditOf(app, created.json().id)).map((a) => [a.action, a.actor])).toEqual([
      ['staff.created', manager.id],
    ]);
  });

  it('roles are given only within what the actor may grant', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const manager = await newStaff(app, 'store_manager', [store]);
    const hq = await newStaff(app, 'hq', []);
    const clerk = await newStaff(app, 'staff', [store]);
    const patch = (token: string | undefined, body: unknown, id = clerk.id) =>
      app.api('PATCH', `/api/staff/${id}`, { ...(token ? { token } : {}), body });
    expect((await patch(manager.token, { role: 'store_manager' })).statusCode).toBe(200);
    expect((await patch(manager.token, { role: 'hq' })).statusCode).toBe(403);
    expect((await patch(hq.token, { role: 'owner' })).statusCode).toBe(403);
    const colleague = await newStaff(app, 'staff', [store]);
    expect((await patch(colleague.token, { name: '改名' }, manager.id)).statusCode).toBe(403);
    // Head office does not touch the owner's or another head office account; a manager does not even see them.
    const hq2 = await newStaff(app, 'hq', []);
    expect((await patch(hq.token, { name: '本部 二' }, hq2.id)).statusCode).toBe(404);
    expect((await patch(manager.token, { name: '本部 二' }, hq2.id)).statusCode).toBe(404);
    // The owner may give any role; a store role then needs a store.
    expect((await patch(undefined, { role: 'hq', locationIds: [] })).json().role).toBe('hq');
    const noStore = await patch(undefined, { role: 'staff' });
    expect(noStore.statusCode).toBe(400);
    expect(noStore.json().errors[0]).toMatchObject({ field: 'locationIds' });
    // Nobody changes her own role or switches herself off.
    const self = await patch(manager.token, { role: 'staff' }, manager.id);
    expect(self.statusCode).toBe(409);
    expect(self.json().code).toBe('staff.self_change');
    expect((await patch(manager.token, { name: '店長 改名' }, manager.id)).statusCode).toBe(200);
    const audit = await auditOf(app, clerk.id);
    expect(audit.filter((a) => a.action === 'staff.updated').map((a) => a.detail.role)).toEqual([
      { from: 'staff', to: 'store_manager' },
      { from: 'store_manager', to: 'hq' },
    ]);
  });

  it("a manager places staff at her own stores only, and the member's other stores stay", async () => {
    const app = ctx();
    const [mine, mine2, theirs] = [
      await createTestLocation(app),
      await createTestLocation(app),
      await createTestLocation(app),
    ];
    const manager = await newStaff(app, 'store_manager', [mine, mine2]);
    const clerk = await newStaff(app, 'staff', [mine, theirs]);
    const moved = await app.api('PATCH', `/api/staff/${clerk.id}`, {
      token: manager.token,
      body: { locationIds: [mine2] },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().locationIds).toEqual([mine2, theirs].sort());
    const outside = await app.api('PATCH', `/api/staff/${clerk.id}`, {
      token: manager.token,
      body: { locationIds: [theirs] },
    });
    expect(outside.statusCode).toBe(403);
    const [entry] = (await auditOf(app, clerk.id)).filter((a) => a.action === 'staff.updated');
    expect(entry?.detail.locationIds).toEqual({ from: [mine, theirs].sort(), to: [mine2, theirs].sort() });
  });

  it('deactivating a member ends her sessions at once; the list says active, PIN and two-factor', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const manager = await newStaff(app, 'store_manager', [store]);
    const clerk = await newStaff(app, 'staff', [store], { name: '退職 予定' });
    await app.api('PUT', '/api/me/pin', { token: clerk.token, body: { pin: '4826', password: STAFF_PASSWORD } });
    const off = await app.api('PATCH', `/api/staff/${clerk.id}`, { token: manager.token, body: { active: false } });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ active: false, pinSet: true, totpEnabled: false });
    expect((await app.api('GET', '/api/me', { token: clerk.token })).statusCode).toBe(401);
    const login = await app.api('POST', '/api/auth/login', {
      token: null,
      body: { email: clerk.email, password: STAFF_PASSWORD },
    });
    expect(login.statusCode).toBe(401);
    const [row] = await query<{ live: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS live FROM staff_sessions WHERE staff_id = ${clerk.id} AND revoked_at IS NULL`,
    );
    expect(row?.live).toBe(0);
    const back = await app.api('PATCH', `/api/staff/${clerk.id}`, { token: manager.token, body: { active: true } });
    expect(back.json().active).toBe(true);
    expect((await auditOf(app, clerk.id)).map((a) => a.action)).toEqual([
      'staff.created',
      'staff.pin_set',
      'staff.deactivated',
      'staff.reactivated',
    ]);
    const [deactivated] = (await auditOf(app, clerk.id)).filter((a) => a.action === 'staff.deactivated');
    expect(deactivated?.detail).toEqual({ sessionsEnded: 1 });
  });
});
