import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import type { Principal } from '../../platform/auth.ts';
import {
  createTestLocation,
  deliverEvents,
  describeEachDatabase,
  newStaff,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';
import { addDays, atJapan, japanDate } from './calendar.ts';
import { cancelMine, moveAppointment, nextAppointmentOf, sendAppointmentReminders } from './service.ts';

const HOURS = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, { open: '10:00', close: '18:00' }]),
);

/** A store open 10:00–18:00 every day, its manager and two clerks. */
async function storeWithStaff(app: TestApp) {
  const store = await createTestLocation(app, { name: '渋谷店' });
  const set = await app.api('PATCH', `/api/locations/${store}`, { body: { openingHours: HOURS } });
  expect(set.statusCode, set.body).toBe(200);
  const manager = await newStaff(app, 'store_manager', [store], { name: '中村 彩' });
  const clerkA = await newStaff(app, 'staff', [store], { name: '鈴木 健太' });
  const clerkB = await newStaff(app, 'staff', [store], { name: '高橋 蓮' });
  return { store, manager, clerkA, clerkB };
}

async function addService(
  app: TestApp,
  token: string,
  body: { locationId: string; nameJa: string; durationMinutes: number; capacityPerStaff?: number; staffIds: string[] },
) {
  const res = await app.api('POST', '/api/appointment-services', { token, body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; staffIds: string[] };
}

const slots = async (app: TestApp, serviceId: string, date: string) => {
  const res = await app.api('GET', `/api/appointment-services/${serviceId}/slots?date=${date}`, { token: null });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { slots: Array<{ startsAt: string; time: string; remaining: number }> }).slots;
};

const book = (app: TestApp, token: string | null, serviceId: string, startsAt: string, note = '') =>
  app.api('POST', '/api/account/appointments', { token, body: { serviceId, startsAt, note } });

const member = (customerId: string): Principal => ({ kind: 'customer', customerId, deviceId: null });

/** Two days ahead in Japan: every slot of it is bookable whatever the time of the run. */
const dayAfterTomorrow = () => addDays(japanDate(new Date()), 2);

describeEachDatabase('来店予約: a member books a visit, the store sees it', (ctx) => {
  it('slots come from the hours, shifts, blocks, durations and bookings; a booking takes a place', async () => {
    const app = ctx();
    const { store, manager, clerkA, clerkB } = await storeWithStaff(app);
    const date = dayAfterTomorrow();
    const fitting = await addService(app, manager.token, {
      locationId: store,
      nameJa: '試着・フィッティング',
      durationMinutes: 60,
      capacityPerStaff: 2,
      staffIds: [clerkA.id, clerkB.id],
    });
    const repair = await addService(app, manager.token, {
      locationId: store,
      nameJa: '修理',
      durationMinutes: 30,
      staffIds: [clerkA.id],
    });
    // 高橋 works 13:00–18:00 that weekday only; 鈴木 is blocked 10:00–11:00 (研修).
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    const shift = await app.api('PUT', `/api/locations/${store}/staff-schedules/${clerkB.id}`, {
      token: manager.token,
      body: { shifts: [{ weekday, startTime: '13:00', endTime: '18:00' }] },
    });
    expect(shift.statusCode, shift.body).toBe(200);
    const block = await app.api('POST', '/api/staff-time-blocks', {
      token: manager.token,
      body: {
        locationId: store,
        staffId: clerkA.id,
        startsAt: atJapan(date, 600).toISOString(),
        endsAt: atJapan(date, 660).toISOString(),
        reason: '研修',
      },
    });
    expect(block.statusCode, block.body).toBe(201);

    // Each change to the store's setup is on the owner's 操作履歴, with who and what.
    const trail = await app.api('GET', `/api/audit?locationId=${store}&limit=50`);
    expect(trail.statusCode, trail.body).toBe(200);
    const rows = (trail.json().items as Array<{ action: string; actor: string; detail: Record<string, any> }>).filter(
      (r) => r.action.startsWith('appointment_') || r.action.startsWith('staff_block.'),
    );
    expect(rows.map((r) => r.action).sort()).toEqual([
      'appointment_service.created',
      'appointment_service.created',
      'appointment_shifts.updated',
      'staff_block.created',
    ]);
    const shiftRow = rows.find((r) => r.action === 'appointment_shifts.updated')!;
    expect(shiftRow.actor).toBe(manager.id);
    expect(shiftRow.detail.staffName).toBe('高橋 蓮');
    const dayKey = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][weekday]!;
    expect(shiftRow.detail.changes[`shifts.${dayKey}`]).toEqual({ from: 'all', to: { open: '13:00', close: '18:00' } });
    expect(rows.find((r) => r.action === 'staff_block.created')!.detail).toMatchObject({
      staffName: '鈴木 健太',
      reason: '研修',
    });
    const renamed = await app.api('PATCH', `/api/appointment-services/${repair.id}`, {
      token: manager.token,
      body: { nameJa: '修理・お直し', active: false },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const updated = await app.api('GET', `/api/audit?action=appointment_service.updated&locationId=${store}`);
    expect(updated.json().items[0].detail.changes).toEqual({
      nameJa: { from: '修理', to: '修理・お直し' },
      offered: { from: true, to: false },
    });
    await app.api('PATCH', `/api/appointment-services/${repair.id}`, { token: manager.token, body: { active: true } });

    const day = await slots(app, fitting.id, date);
    const at = (time: string) => day.find((s) => s.time === time)?.remaining ?? 0;
    expect(day[0]!.time).toBe('11:00'); // 10:00 and 10:30 overlap 鈴木's block, and 高橋 starts at 13:00
    expect(at('11:00')).toBe(2);
    expect(at('13:00')).toBe(4);
    expect(day.at(-1)!.time).toBe('17:00'); // a 60-minute visit ends by closing time

    // A booking takes a place; the repair booked with 鈴木 at 15:00 leaves 高橋 alone for a fitting then.
    const { token } = await registerCustomer(app);
    const booked = await book(app, token, fitting.id, atJapan(date, 13 * 60).toISOString(), '裾上げの相談も');
    expect(booked.statusCode, booked.body).toBe(201);
    expect(booked.json()).toMatchObject({ status: 'booked', note: '裾上げの相談も', store: { name: '渋谷店' } });
    const other = await registerCustomer(app);
    expect((await book(app, other.token, repair.id, atJapan(date, 15 * 60).toISOString())).statusCode).toBe(201);
    const after = await slots(app, fitting.id, date);
    const left = (time: string) => after.find((s) => s.time === time)?.remaining ?? 0;
    expect(left('13:00')).toBe(3);
    expect(left('15:00')).toBe(2);
    expect(left('14:30')).toBe(2); // 14:30–15:30 overlaps the repair too

    // Not a slot: off the grid, outside the hours, in the past → 422; a guest is asked to log in.
    for (const t of [atJapan(date, 13 * 60 + 10), atJapan(date, 19 * 60), new Date(Date.now() - 3600_000)]) {
      const res = await book(app, token, fitting.id, t.toISOString());
      expect(res.statusCode, t.toISOString()).toBe(422);
      expect(res.json().code).toBe('appointments.slot_unavailable');
    }
    expect((await book(app, null, fitting.id, atJapan(date, 16 * 60).toISOString())).statusCode).toBe(401);
    // The same member twice at once: 409.
    const twice = await book(app, token, fitting.id, atJapan(date, 13 * 60 + 30).toISOString());
    expect(twice.json().code).toBe('appointments.overlapping');
  });

  it('racing members for the last places of a slot get exactly its capacity', async () => {
    const app = ctx();
    const { store, manager, clerkA, clerkB } = await storeWithStaff(app);
    const fitting = await addService(app, manager.token, {
      locationId: store,
      nameJa: '試着・フィッティング',
      durationMinutes: 60,
      capacityPerStaff: 1,
      staffIds: [clerkA.id, clerkB.id],
    });
    const startsAt = atJapan(dayAfterTomorrow(), 11 * 60).toISOString();
    const members = await Promise.all(Array.from({ length: 8 }, () => registerCustomer(app)));
    const results = await Promise.all(members.map((m) => book(app, m.token, fitting.id, startsAt)));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([201, 201, 409, 409, 409, 409, 409, 409]);
    expect(results.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'appointments.slot_full')).toBe(
      true,
    );
    // One each: the two clerks.
    const rows = await query<{ staff_id: string }>(
      app.server.database.db,
      sql`SELECT staff_id FROM appointments WHERE service_id = ${fitting.id} AND status = 'booked'`,
    );
    expect(new Set(rows.map((r) => r.staff_id))).toEqual(new Set([clerkA.id, clerkB.id]));
    expect((await slots(app, fitting.id, dayAfterTomorrow())).some((s) => s.startsAt === startsAt)).toBe(false);
  });

  it('she cancels until 2 hours before and rebooks; a changed time frees the old place', async () => {
    const app = ctx();
    const { store, manager, clerkA } = await storeWithStaff(app);
    const date = dayAfterTomorrow();
    const service = await addService(app, manager.token, {
      locationId: store,
      nameJa: 'お直し',
      durationMinutes: 30,
      staffIds: [clerkA.id],
    });
    const { token, customer } = await registerCustomer(app);
    const first = (await book(app, token, service.id, atJapan(date, 11 * 60).toISOString())).json();
    const startsAt = new Date(first.startsAt);
    // Within 2 hours of the start: too late in the app.
    const late = cancelMine(
      app.server.database.db,
      member(customer.id),
      first.id,
      new Date(startsAt.getTime() - 3600_000),
    );
    await expect(late).rejects.toMatchObject({ code: 'appointments.cancel_too_late' });

    const moved = await app.api('POST', `/api/account/appointments/${first.id}/rebook`, {
      token,
      body: { serviceId: service.id, startsAt: atJapan(date, 14 * 60).toISOString() },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const mine = (await app.api('GET', '/api/account/appointments', { token })).json();
    expect(mine.upcoming.map((a: { id: string }) => a.id)).toEqual([moved.json().id]);
    expect(mine.past[0]).toMatchObject({ id: first.id, status: 'cancelled' });
    // 11:00 is free again (one clerk, capacity 1).
    expect((await slots(app, service.id, date)).some((s) => s.time === '11:00')).toBe(true);

    const cancel = await app.api('POST', `/api/account/appointments/${moved.json().id}/cancel`, { token });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json().status).toBe('cancelled');
    const again = await app.api('POST', `/api/account/appointments/${moved.json().id}/cancel`, { token });
    expect(again.json().code).toBe('appointments.wrong_status');
    await deliverEvents(app);
    const inbox = (await app.api('GET', '/api/account/notifications', { token })).json();
    const kinds = inbox.items.map((n: { kind: string }) => n.kind);
    // Booked twice (first and moved), cancelled once (the rebook's cancellation is not announced).
    expect(kinds.filter((k: string) => k === 'appointment_booked')).toHaveLength(2);
    expect(kinds.filter((k: string) => k === 'appointment_cancelled')).toHaveLength(1);
  });

  it('the store checks her in, or records a no-show once it started; staff see her no-shows', async () => {
    const app = ctx();
    const { store, manager, clerkA } = await storeWithStaff(app);
    const date = dayAfterTomorrow();
    const service = await addService(app, manager.token, {
      locationId: store,
      nameJa: '接客相談',
      durationMinutes: 30,
      capacityPerStaff: 3,
      staffIds: [clerkA.id],
    });
    const aiko = await registerCustomer(app, { name: '佐藤 愛子' });
    const visit = (await book(app, aiko.token, service.id, atJapan(date, 12 * 60).toISOString())).json();
    const later = (await book(app, aiko.token, service.id, atJapan(date, 15 * 60).toISOString())).json();

    const day = await app.api('GET', `/api/locations/${store}/appointments?date=${date}`, { token: clerkA.token });
    expect(day.statusCode, day.body).toBe(200);
    expect(day.json().items.map((a: { customer: { name: string } }) => a.customer.name)).toEqual([
      '佐藤 愛子',
      '佐藤 愛子',
    ]);

    const db = app.server.database.db;
    const clerk: Principal = {
      kind: 'staff',
      staffId: clerkA.id,
      name: '鈴木 健太',
      role: 'staff',
      locationIds: [store],
    };
    const start = new Date(visit.startsAt);
    await expect(
      moveAppointment(db, clerk, visit.id, 'no_show', new Date(start.getTime() - 60_000)),
    ).rejects.toMatchObject({
      code: 'appointments.not_started',
    });
    const noShow = await moveAppointment(db, clerk, visit.id, 'no_show', new Date(start.getTime() + 20 * 60_000));
    expect(noShow).toMatchObject({ status: 'no_show', customer: { noShowCount: 1 } });

    const checkIn = await app.api('POST', `/api/appointments/${later.id}/status`, {
      token: clerkA.token,
      body: { action: 'check_in' },
    });
    expect(checkIn.statusCode, checkIn.body).toBe(200);
    expect(checkIn.json()).toMatchObject({ status: 'checked_in', customer: { noShowCount: 1 } });
    const twice = await app.api('POST', `/api/appointments/${later.id}/status`, {
      token: clerkA.token,
      body: { action: 'check_in' },
    });
    expect(twice.statusCode).toBe(409);
    const done = await app.api('POST', `/api/appointments/${later.id}/status`, {
      token: clerkA.token,
      body: { action: 'complete' },
    });
    expect(done.json().status).toBe('completed');
    const events = await query<{ template: string }>(
      db,
      sql`SELECT template FROM outbox WHERE channel = 'event' AND recipient = ${visit.id} ORDER BY id`,
    );
    expect(events.map((e) => e.template)).toEqual(['appointment.booked', 'appointment.no_show']);
    const moves = await query<{ template: string }>(
      db,
      sql`SELECT template FROM outbox WHERE channel = 'event' AND recipient = ${later.id} ORDER BY id`,
    );
    expect(moves.map((e) => e.template)).toEqual([
      'appointment.booked',
      'appointment.checked_in',
      'appointment.completed',
    ]);
  });

  it('each reminder is sent once, never for a cancelled appointment', async () => {
    const app = ctx();
    const { store, manager, clerkA } = await storeWithStaff(app);
    const date = dayAfterTomorrow();
    const service = await addService(app, manager.token, {
      locationId: store,
      nameJa: '試着・フィッティング',
      durationMinutes: 60,
      capacityPerStaff: 5,
      staffIds: [clerkA.id],
    });
    const her = await registerCustomer(app);
    const other = await registerCustomer(app);
    const startsAt = atJapan(date, 16 * 60);
    const kept = (await book(app, her.token, service.id, startsAt.toISOString())).json();
    const dropped = (await book(app, other.token, service.id, startsAt.toISOString())).json();
    expect(
      (await app.api('POST', `/api/account/appointments/${dropped.id}/cancel`, { token: other.token })).statusCode,
    ).toBe(200);
    const db = app.server.database.db;
    // Other tests' visits share the database: count this one's reminder events.
    const remindersOf = async (id: string) =>
      (
        await query<{ n: number }>(
          db,
          sql`SELECT count(*)::int AS n FROM outbox WHERE channel = 'event' AND template = 'appointment.reminder' AND recipient = ${id}`,
        )
      )[0]!.n;
    // Nothing is due two days ahead.
    await sendAppointmentReminders(db, new Date());
    expect(await remindersOf(kept.id)).toBe(0);
    // The day before: two sweeps at once claim it once; a third later finds nothing new.
    const dayBefore = new Date(startsAt.getTime() - 20 * 3600_000);
    await Promise.all([sendAppointmentReminders(db, dayBefore), sendAppointmentReminders(db, dayBefore)]);
    await sendAppointmentReminders(db, new Date(dayBefore.getTime() + 3600_000));
    expect(await remindersOf(kept.id)).toBe(1);
    // Two hours before: the second reminder, once.
    const soon = new Date(startsAt.getTime() - 90 * 60_000);
    await sendAppointmentReminders(db, soon);
    await sendAppointmentReminders(db, soon);
    expect(await remindersOf(kept.id)).toBe(2);
    expect(await remindersOf(dropped.id)).toBe(0);
    await deliverEvents(app);
    await deliverEvents(app);
    const reminders = (token: string) =>
      app
        .api('GET', '/api/account/notifications', { token })
        .then((r) => r.json().items.filter((n: { kind: string }) => n.kind === 'appointment_reminder'));
    const mine = await reminders(her.token);
    expect(mine.map((n: { title: string }) => n.title).sort()).toEqual([
      'まもなくご予約のお時間です',
      '明日はご来店予約の日です',
    ]);
    expect(mine[0].payload).toMatchObject({ appointmentId: kept.id, link: '/account/appointments' });
    expect(await reminders(other.token)).toHaveLength(0);
    // The e-mails went out once each too.
    const mails = await query<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM outbox WHERE channel = 'email' AND template = 'appointment_reminder' AND payload->>'appointmentId' = ${kept.id}`,
    );
    expect(mails[0]!.n).toBe(2);
  });

  it('only her store’s staff see and move its appointments; a member only her own', async () => {
    const app = ctx();
    const { store, manager, clerkA } = await storeWithStaff(app);
    const elsewhere = await createTestLocation(app, { name: '梅田店' });
    const stranger = await newStaff(app, 'staff', [elsewhere]);
    const otherManager = await newStaff(app, 'store_manager', [elsewhere]);
    const service = await addService(app, manager.token, {
      locationId: store,
      nameJa: '試着・フィッティング',
      durationMinutes: 60,
      staffIds: [clerkA.id],
    });
    const her = await registerCustomer(app);
    const other = await registerCustomer(app);
    const visit = (await book(app, her.token, service.id, atJapan(dayAfterTomorrow(), 11 * 60).toISOString())).json();

    expect((await app.api('GET', `/api/locations/${store}/appointments`, { token: stranger.token })).statusCode).toBe(
      403,
    );
    const move = await app.api('POST', `/api/appointments/${visit.id}/status`, {
      token: stranger.token,
      body: { action: 'check_in' },
    });
    expect(move.statusCode).toBe(403);
    expect((await app.api('GET', `/api/locations/${store}/appointments`, { token: her.token })).statusCode).toBe(403);
    // Another store's manager cannot change this store's services; a clerk cannot either.
    const patch = { body: { active: false } };
    expect(
      (await app.api('PATCH', `/api/appointment-services/${service.id}`, { token: otherManager.token, ...patch }))
        .statusCode,
    ).toBe(403);
    expect(
      (await app.api('PATCH', `/api/appointment-services/${service.id}`, { token: clerkA.token, ...patch })).statusCode,
    ).toBe(403);
    // Staff of another store cannot be given the service.
    const foreign = await app.api('PATCH', `/api/appointment-services/${service.id}`, {
      token: manager.token,
      body: { staffIds: [stranger.id] },
    });
    expect(foreign.json().code).toBe('appointments.staff_not_at_store');

    expect((await app.api('GET', `/api/account/appointments/${visit.id}`, { token: other.token })).statusCode).toBe(
      404,
    );
    expect(
      (await app.api('POST', `/api/account/appointments/${visit.id}/cancel`, { token: other.token })).statusCode,
    ).toBe(404);
    expect((await app.api('GET', `/api/account/appointments/${visit.id}`, { token: her.token })).statusCode).toBe(200);
    // The clienteling card's reader: her next appointment.
    expect(await nextAppointmentOf(app.server.database.db, her.customer.id)).toMatchObject({
      id: visit.id,
      service: { nameJa: '試着・フィッティング' },
      noShowCount: 0,
    });
    expect(await nextAppointmentOf(app.server.database.db, other.customer.id)).toBeNull();
  });
});
