import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connection.ts';
import { reservations } from './schema.ts';

/**
 * Hand active reservations made for one reference (a customer id: holds, carts) to another, as when two
 * customers are merged; with `ids`, only those (undoing a merge moves back exactly what moved). Returns
 * the ids moved. Stock does not change: the same units stay reserved, for someone else.
 */
export async function moveReservations(
  tx: Executor,
  from: string,
  to: string,
  ids?: readonly string[],
): Promise<string[]> {
  if (ids && !ids.length) return [];
  const rows = await tx
    .update(reservations)
    .set({ reference: to })
    .where(
      ids
        ? and(inArray(reservations.id, [...ids]), eq(reservations.reference, from))
        : and(eq(reservations.reference, from), eq(reservations.status, 'active')),
    )
    .returning({ id: reservations.id });
  return rows.map((r) => r.id);
}
