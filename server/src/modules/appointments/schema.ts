import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import { customers } from '../customers/schema.ts';
import { locations } from '../locations/schema.ts';
import { staffUsers } from '../staff/schema.ts';

/**
 * 来店予約のメニュー: what a store offers by appointment (試着・フィッティング, 接客相談, お直し, 修理 …), how long a
 * visit takes, and how many parties one staff member serves at once in a slot (`capacityPerStaff`).
 */
export const appointmentServices = pgTable(
  'appointment_services',
  {
    id: text().primaryKey(),
    locationId: text()
      .notNull()
      .references(() => locations.id),
    nameJa: text().notNull(),
    nameEn: text().notNull().default(''),
    descriptionJa: text().notNull().default(''),
    durationMinutes: smallint().notNull(),
    capacityPerStaff: smallint().notNull().default(1),
    active: boolean().notNull().default(true),
    sortOrder: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.locationId),
    check('appointment_services_duration', sql`${t.durationMinutes} BETWEEN 15 AND 240`),
    check('appointment_services_capacity', sql`${t.capacityPerStaff} BETWEEN 1 AND 20`),
  ],
);

/** Who may do a service (担当できるスタッフ). */
export const appointmentServiceStaff = pgTable(
  'appointment_service_staff',
  {
    serviceId: text()
      .notNull()
      .references(() => appointmentServices.id, { onDelete: 'cascade' }),
    staffId: text()
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.serviceId, t.staffId] })],
);

/**
 * A staff member's weekly shift at a store (シフト): weekday 0 = Sunday … 6, Japan time. A staff member with no
 * rows at a store works all its opening hours; with rows, only those hours (within the opening hours).
 */
export const staffShifts = pgTable(
  'staff_shifts',
  {
    locationId: text()
      .notNull()
      .references(() => locations.id),
    staffId: text()
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    weekday: smallint().notNull(),
    startTime: text().notNull(),
    endTime: text().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.locationId, t.staffId, t.weekday] }),
    check('staff_shifts_weekday', sql`${t.weekday} BETWEEN 0 AND 6`),
    check('staff_shifts_order', sql`${t.startTime} < ${t.endTime}`),
  ],
);

/** A manager's block of a staff member's time (研修, 休憩, 棚卸 …): no appointment is offered with her then. */
export const staffTimeBlocks = pgTable(
  'staff_time_blocks',
  {
    id: text().primaryKey(),
    locationId: text()
      .notNull()
      .references(() => locations.id),
    staffId: text()
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }).notNull(),
    reason: text().notNull().default(''),
    createdBy: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.locationId, t.startsAt), check('staff_time_blocks_order', sql`${t.startsAt} < ${t.endsAt}`)],
);

export const appointmentStatuses = ['booked', 'checked_in', 'completed', 'cancelled', 'no_show'] as const;
export type AppointmentStatus = (typeof appointmentStatuses)[number];

/**
 * 来店予約: a member's visit to a store for a service, with the staff member it was given to. Times are UTC;
 * the day and the hours are Japan time. A no-show (無断キャンセル) stays on her record and is counted for staff.
 * The reminders sent are claimed here (`reminded*At`), so each goes out once.
 */
export const appointments = pgTable(
  'appointments',
  {
    id: text().primaryKey(),
    locationId: text()
      .notNull()
      .references(() => locations.id),
    serviceId: text()
      .notNull()
      .references(() => appointmentServices.id),
    staffId: text()
      .notNull()
      .references(() => staffUsers.id),
    customerId: text()
      .notNull()
      .references(() => customers.id),
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }).notNull(),
    status: text({ enum: appointmentStatuses }).notNull().default('booked'),
    note: text().notNull().default(''),
    cancelledBy: text(),
    statusChangedAt: timestamp({ withTimezone: true }),
    statusChangedBy: text(),
    remindedDayBeforeAt: timestamp({ withTimezone: true }),
    remindedSoonAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.locationId, t.startsAt),
    index().on(t.customerId, t.startsAt),
    index().on(t.staffId, t.startsAt),
    index('appointments_booked_starts')
      .on(t.startsAt)
      .where(sql`${t.status} = 'booked'`),
    check('appointments_order', sql`${t.startsAt} < ${t.endsAt}`),
  ],
);
