import { seededId } from '../platform/ids.ts';
import type {
  appointmentServiceStaff,
  appointmentServices,
  appointments,
  staffShifts,
} from '../modules/appointments/schema.ts';
import { CHAIN_LOCATIONS, locationIdOf } from './chain.ts';
import { DEMO_ACCOUNTS } from './staff.ts';

/** The menu every demo store offers by appointment. */
const MENU = [
  {
    nameJa: '試着・フィッティング',
    nameEn: 'Fitting',
    descriptionJa: '取り置きやお気に入りの商品をご用意して、試着室でお待ちします。',
    durationMinutes: 60,
    capacityPerStaff: 2,
  },
  {
    nameJa: '接客相談',
    nameEn: 'Styling consultation',
    descriptionJa: 'ギフト選びやコーディネートのご相談に、スタッフがお応えします。',
    durationMinutes: 30,
    capacityPerStaff: 1,
  },
  {
    nameJa: 'お直し受付',
    nameEn: 'Alterations',
    descriptionJa: '裾上げ・袖丈詰めの採寸とお預かり。',
    durationMinutes: 30,
    capacityPerStaff: 1,
  },
  {
    nameJa: '修理受付',
    nameEn: 'Repairs',
    descriptionJa: '傘・バッグ・靴の修理のお見積もりとお預かり。',
    durationMinutes: 30,
    capacityPerStaff: 1,
  },
] as const;

/** Today's visits at 渋谷店 for the board: Japan time, the service (index of MENU), the member (index). */
const SHIBUYA_TODAY: ReadonlyArray<{ at: string; service: number; member: number; note?: string }> = [
  { at: '10:00', service: 0, member: 3, note: 'ジャケットのMとLを比べたいです' },
  { at: '11:30', service: 2, member: 5 },
  { at: '13:00', service: 0, member: 7 },
  { at: '14:30', service: 1, member: 9, note: '母へのギフトの相談' },
  { at: '16:00', service: 0, member: 11 },
  { at: '17:30', service: 3, member: 13, note: '折りたたみ傘の骨が折れました' },
  { at: '19:00', service: 0, member: 15 },
];

const JST = 9 * 3600_000;
const atToday = (now: number, hhmm: string) => {
  const day = new Date(now + JST).toISOString().slice(0, 10);
  return new Date(Date.parse(`${day}T${hhmm}:00+09:00`));
};

/**
 * 来店予約 for the demo: the four services at every store (done by its two staff; the clerks of 原宿 and 新宿 work
 * weekday shifts, 10:00–19:00, and a later Saturday), and today's visits at 渋谷店 — the ones already over done (one
 * no-show), the one under way checked in, the rest booked — so the board has a day to show. Seeded reminders count as sent.
 */
export function appointmentRows(memberIds: readonly string[], now: number) {
  const services: Array<typeof appointmentServices.$inferInsert> = [];
  const serviceStaff: Array<typeof appointmentServiceStaff.$inferInsert> = [];
  const shifts: Array<typeof staffShifts.$inferInsert> = [];
  const visits: Array<typeof appointments.$inferInsert> = [];
  let n = 0;
  const shibuyaServices: string[] = [];
  for (const loc of CHAIN_LOCATIONS.filter((l) => l.kind === 'store')) {
    const locationId = locationIdOf(loc);
    const staff = DEMO_ACCOUNTS.filter((a) => a.locationId === locationId);
    MENU.forEach((m, i) => {
      const id = seededId('aps', ++n);
      services.push({ id, locationId, ...m, sortOrder: i });
      for (const s of staff) serviceStaff.push({ serviceId: id, staffId: s.id });
      if (loc.slug === 'shibuya') shibuyaServices.push(id);
    });
    const clerk = staff.find((s) => s.role === 'staff');
    if (clerk && (loc.n === 2 || loc.n === 3))
      shifts.push(
        ...[1, 2, 3, 4, 5].map((weekday) => ({
          locationId,
          staffId: clerk.id,
          weekday,
          startTime: '10:00',
          endTime: '19:00',
        })),
        { locationId, staffId: clerk.id, weekday: 6, startTime: '12:00', endTime: '20:00' },
      );
  }
  const shibuya = locationIdOf(CHAIN_LOCATIONS.find((l) => l.slug === 'shibuya')!);
  const shibuyaStaff = DEMO_ACCOUNTS.filter((a) => a.locationId === shibuya);
  let noShowGiven = false;
  SHIBUYA_TODAY.forEach((v, i) => {
    const customerId = memberIds[v.member];
    if (!customerId) return;
    const menu = MENU[v.service]!;
    const startsAt = atToday(now, v.at);
    const endsAt = new Date(startsAt.getTime() + menu.durationMinutes * 60_000);
    const createdAt = new Date(startsAt.getTime() - (3 + i) * 86_400_000);
    // The manager takes the first visits, the clerk the later ones (she starts at 10:00 on weekdays).
    const staffId = shibuyaStaff[i % shibuyaStaff.length]!.id;
    let status: 'booked' | 'checked_in' | 'completed' | 'no_show' = 'booked';
    if (endsAt.getTime() <= now) {
      status = !noShowGiven && v.service === 2 ? 'no_show' : 'completed';
      if (status === 'no_show') noShowGiven = true;
    } else if (startsAt.getTime() <= now) status = 'checked_in';
    visits.push({
      id: seededId('apt', i + 1),
      locationId: shibuya,
      serviceId: shibuyaServices[v.service]!,
      staffId,
      customerId,
      startsAt,
      endsAt,
      status,
      note: v.note ?? '',
      statusChangedAt: status === 'booked' ? null : startsAt,
      statusChangedBy: status === 'booked' ? null : staffId,
      remindedDayBeforeAt: createdAt,
      remindedSoonAt: createdAt,
      createdAt,
    });
  });
  return { services, serviceStaff, shifts, visits };
}
