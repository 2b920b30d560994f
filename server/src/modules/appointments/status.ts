import { eq } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connection.ts';
import { appointments, type AppointmentStatus } from './schema.ts';

/** An appointment's status now, or null when it is gone (erased): a notice checks it before it is written. */
export async function appointmentStatus(db: Executor, id: string): Promise<AppointmentStatus | null> {
  const [row] = await db.select({ status: appointments.status }).from(appointments).where(eq(appointments.id, id));
  return row?.status ?? null;
}
