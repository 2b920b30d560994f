import type { Db } from '../../../platform/db/connection.ts';
import { getLocation } from '../../locations/service.ts';
import { holdDeadline } from '../holds.ts';
import type { FulfilmentChoice } from '../schema.ts';
import { checkSlot, orderAheadDeadline, slotEnd } from '../slots.ts';

/** An order-ahead pickup slot or a delivery window, booked in the order's transaction. */
export interface BookedSlot {
  start: Date;
  capacity: number;
  kind: 'order_ahead' | 'delivery';
}

export interface Deadline {
  slot: BookedSlot | null;
  /** Pickups wait the store's pickup days (else the chain's `pickupDays`); holds lapse at the store's closing time (holdDeadline); a delivery is due by its window's end. */
  deadline: Date | null;
  /** When the stock goes back on sale if the order is never collected. */
  keepUntil: Date;
}

/**
 * Step 1 — choose the deadline (nothing to undo: it writes nothing). Order-ahead and delivery: the slot
 * must still be offered (not past, not within the lead time). The stock is kept a day past the deadline
 * (until the order leaves); a hold's lapses exactly at it.
 */
export async function chooseDeadline(
  db: Db,
  choice: FulfilmentChoice,
  locationId: string,
  pickupDays: number,
): Promise<Deadline> {
  const slotKind = choice.type === 'order_ahead' || choice.type === 'delivery' ? choice.type : null;
  const slot = slotKind ? await checkSlot(db, locationId, slotKind, choice.slotStart ?? '') : null;
  const deadline = slot
    ? slot.kind === 'delivery'
      ? slotEnd(slot.start, 'delivery')
      : orderAheadDeadline(slot.start)
    : choice.type === 'hold'
      ? holdDeadline((await getLocation(db, locationId)).openingHours)
      : choice.type === 'pickup'
        ? new Date(Date.now() + ((await getLocation(db, locationId)).pickupDays ?? pickupDays) * 86400_000)
        : null;
  const keepUntil =
    choice.type === 'hold' ? deadline! : new Date((deadline?.getTime() ?? Date.now() + 14 * 86400_000) + 86400_000);
  return { slot, deadline, keepUntil };
}
