import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connection.ts';
import { personIds, type MergeStep } from '../customers/service.ts';
import { appointments } from './schema.ts';

/** Her appointments for a personal data export (開示請求): store, service, time, status, her note. */
export async function exportAppointments(db: Executor, customerId: string): Promise<Record<string, unknown>> {
  const rows = await db
    .select()
    .from(appointments)
    .where(inArray(appointments.customerId, await personIds(db, customerId)))
    .orderBy(asc(appointments.startsAt));
  return {
    appointments: rows.map((r) => ({
      id: r.id,
      locationId: r.locationId,
      serviceId: r.serviceId,
      startsAt: r.startsAt.toISOString(),
      endsAt: r.endsAt.toISOString(),
      status: r.status,
      note: r.note,
      createdAt: r.createdAt.toISOString(),
    })),
  };
}

/** At her erasure: her appointments are deleted (a visit booked says where she would be, and when). */
export async function eraseAppointments(tx: Executor, customerId: string): Promise<Record<string, number>> {
  const rows = await tx
    .delete(appointments)
    .where(inArray(appointments.customerId, await personIds(tx, customerId)))
    .returning({ id: appointments.id });
  return { appointments: rows.length };
}

/** A merge brings the merged record's appointments (and its no-shows) to the survivor; undo moves them back. */
export const appointmentsMergeStep: MergeStep = {
  async move(tx, from, to) {
    const moved = await tx
      .update(appointments)
      .set({ customerId: to })
      .where(eq(appointments.customerId, from))
      .returning({ id: appointments.id });
    return { appointments: moved.map((m) => m.id) };
  },
  async moveBack(tx, moved, survivorId, restoredId) {
    const ids = Array.isArray(moved.appointments) ? (moved.appointments as string[]) : [];
    if (!ids.length) return;
    await tx
      .update(appointments)
      .set({ customerId: restoredId })
      .where(and(eq(appointments.customerId, survivorId), inArray(appointments.id, ids)));
  },
};
