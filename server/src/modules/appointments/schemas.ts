import { z } from 'zod';
import { appointmentStatuses } from './schema.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'hh_mm');
const text = (max: number) => z.string().trim().max(max);
/** An instant with its offset that is a real calendar time (2026-02-30 is refused, not read as 2 March). */
export const instant = z
  .string()
  .datetime({ offset: true })
  .refine((s) => !Number.isNaN(Date.parse(s)), 'datetime');

/** A service as a store manages it (validation, types and OpenAPI in one). */
export const serviceInput = z
  .object({
    nameJa: text(40).min(1),
    nameEn: text(60).default(''),
    descriptionJa: text(200).default(''),
    durationMinutes: z.number().int().min(15).max(240).multipleOf(15),
    capacityPerStaff: z.number().int().min(1).max(20).default(1),
    active: z.boolean().default(true),
    sortOrder: z.number().int().min(0).max(999).default(0),
    staffIds: z.array(z.string().min(1).max(64)).max(100),
  })
  .strict();

export const serviceChange = z
  .object({
    nameJa: text(40).min(1),
    nameEn: text(60),
    descriptionJa: text(200),
    durationMinutes: z.number().int().min(15).max(240).multipleOf(15),
    capacityPerStaff: z.number().int().min(1).max(20),
    active: z.boolean(),
    sortOrder: z.number().int().min(0).max(999),
    staffIds: z.array(z.string().min(1).max(64)).max(100),
  })
  .partial()
  .strict();

export const serviceView = z.object({
  id: z.string(),
  locationId: z.string(),
  nameJa: z.string(),
  nameEn: z.string(),
  descriptionJa: z.string(),
  durationMinutes: z.number().int(),
  capacityPerStaff: z.number().int(),
  active: z.boolean(),
  sortOrder: z.number().int(),
  staffIds: z.array(z.string()),
});

/** A service as the shop shows it. */
export const offeredServiceView = serviceView.pick({
  id: true,
  nameJa: true,
  nameEn: true,
  descriptionJa: true,
  durationMinutes: true,
});

export const slotView = z.object({
  startsAt: z.string(),
  endsAt: z.string(),
  time: z.string().describe('Start, HH:MM Japan time'),
  remaining: z.number().int().describe('Places left in the slot'),
});

export const shift = z
  .object({
    weekday: z.number().int().min(0).max(6).describe('0 = Sunday … 6 = Saturday'),
    startTime: hhmm,
    endTime: hhmm,
  })
  .strict();

export const staffScheduleView = z.object({
  staffId: z.string(),
  name: z.string(),
  role: z.string(),
  shifts: z.array(shift).describe('Empty: all opening hours'),
  blocks: z.array(z.object({ id: z.string(), startsAt: z.string(), endsAt: z.string(), reason: z.string() })),
});

export const appointmentView = z.object({
  id: z.string(),
  status: z.enum(appointmentStatuses),
  startsAt: z.string(),
  endsAt: z.string(),
  note: z.string(),
  store: z.object({ id: z.string(), name: z.string() }),
  service: z.object({ id: z.string(), nameJa: z.string(), nameEn: z.string(), durationMinutes: z.number().int() }),
  staff: z.object({ id: z.string(), name: z.string() }),
  changeableUntil: z.string().describe('She may cancel or change it in the app until then'),
  createdAt: z.string(),
});

export const floorView = appointmentView.extend({
  customer: z.object({
    id: z.string(),
    name: z.string(),
    memberNumber: z.string(),
    noShowCount: z.number().int().describe('Her 無断キャンセル so far (every store)'),
  }),
});

/** The clienteling card's line: her next appointment (any store), or null, and her no-shows. */
export const nextAppointmentView = appointmentView.extend({ noShowCount: z.number().int() }).nullable();

export const bookingBody = z
  .object({
    serviceId: z.string().min(1).max(64),
    startsAt: instant,
    note: text(500).default(''),
  })
  .strict();
