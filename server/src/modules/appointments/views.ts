import { inArray } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connection.ts';
import { listLocations } from '../locations/service.ts';
import { staffNames } from '../staff/service.ts';
import { CANCEL_CUTOFF_HOURS } from './rules.ts';
import { appointmentServices, type AppointmentStatus, type appointments } from './schema.ts';

type Row = typeof appointments.$inferSelect;

/** An appointment as the member and the store see it (the store adds who she is). */
export interface AppointmentView {
  id: string;
  status: AppointmentStatus;
  startsAt: string;
  endsAt: string;
  note: string;
  store: { id: string; name: string };
  service: { id: string; nameJa: string; nameEn: string; durationMinutes: number };
  staff: { id: string; name: string };
  /** Until when she may cancel or change it in the app (CANCEL_CUTOFF_HOURS before the start). */
  changeableUntil: string;
  createdAt: string;
}

/** What a view needs of an appointment's row. */
export type ViewedRow = Pick<
  Row,
  'id' | 'status' | 'startsAt' | 'endsAt' | 'note' | 'locationId' | 'serviceId' | 'staffId' | 'createdAt'
>;

/** The appointments as views: their store, service and staff names read once for all of them. */

export async function appointmentViews(db: Executor, rows: readonly ViewedRow[]): Promise<AppointmentView[]> {
  if (!rows.length) return [];
  // One after another: the caller may be inside a transaction (one connection).
  const stores = await listLocations(db);
  const services = await db
    .select()
    .from(appointmentServices)
    .where(inArray(appointmentServices.id, [...new Set(rows.map((r) => r.serviceId))]));
  const names = await staffNames(db, [...new Set(rows.map((r) => r.staffId))]);
  const storeName = new Map(stores.map((s) => [s.id, s.name]));
  const service = new Map(services.map((s) => [s.id, s]));
  return rows.map((r) => {
    const s = service.get(r.serviceId)!;
    return {
      id: r.id,
      status: r.status,
      startsAt: r.startsAt.toISOString(),
      endsAt: r.endsAt.toISOString(),
      note: r.note,
      store: { id: r.locationId, name: storeName.get(r.locationId) ?? '' },
      service: { id: s.id, nameJa: s.nameJa, nameEn: s.nameEn, durationMinutes: s.durationMinutes },
      staff: { id: r.staffId, name: names.get(r.staffId) ?? '' },
      changeableUntil: new Date(r.startsAt.getTime() - CANCEL_CUTOFF_HOURS * 3600_000).toISOString(),
      createdAt: r.createdAt.toISOString(),
    };
  });
}

export const STATUS_JA: Record<AppointmentStatus, string> = {
  booked: '予約済み',
  checked_in: '来店済み',
  completed: '完了',
  cancelled: 'キャンセル',
  no_show: '無断キャンセル',
};
