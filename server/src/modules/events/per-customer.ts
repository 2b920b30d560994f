import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connection.ts';
import { customerEvents } from './schema.ts';

// What identity (customers) does to a person's timeline: stitch a device, merge, undo, export, erase.

/** The device's anonymous events join this customer's timeline. */
export async function claimDeviceEvents(tx: Executor, deviceId: string, customerId: string): Promise<void> {
  await tx
    .update(customerEvents)
    .set({ customerId })
    .where(and(eq(customerEvents.deviceId, deviceId), isNull(customerEvents.customerId)));
}

/** Move every event of `from` to `to` (a merge); returns the ids moved. */
export async function moveCustomerEvents(tx: Executor, from: string, to: string): Promise<string[]> {
  const rows = await tx
    .update(customerEvents)
    .set({ customerId: to })
    .where(eq(customerEvents.customerId, from))
    .returning({ id: customerEvents.id });
  return rows.map((r) => r.id);
}

/** Move these events back from `from` to `to` (undoing a merge); ones that left `from` since stay. */
export async function moveCustomerEventsBack(tx: Executor, ids: string[], from: string, to: string): Promise<void> {
  if (!ids.length) return;
  await tx
    .update(customerEvents)
    .set({ customerId: to })
    .where(and(inArray(customerEvents.id, ids), eq(customerEvents.customerId, from)));
}

/** A customer's whole timeline, oldest first, for a personal data export. */
export async function exportCustomerEvents(db: Executor, customerId: string) {
  const events = await db
    .select()
    .from(customerEvents)
    .where(eq(customerEvents.customerId, customerId))
    .orderBy(asc(customerEvents.occurredAt));
  return events.map((e) => ({
    id: e.id,
    type: e.type,
    occurredAt: e.occurredAt.toISOString(),
    channel: e.channel,
    locationId: e.locationId,
    deviceId: e.deviceId,
    payload: e.payload,
  }));
}

/** Erase a customer's timeline (deletion of a person); returns how many events went. */
export async function eraseCustomerEvents(tx: Executor, customerId: string): Promise<number> {
  const rows = await tx
    .delete(customerEvents)
    .where(eq(customerEvents.customerId, customerId))
    .returning({ id: customerEvents.id });
  return rows.length;
}
