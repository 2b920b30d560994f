import type { Executor } from '../../platform/db/connection.ts';
import { newId } from '../../platform/ids.ts';
import { customerEvents, type EventChannel } from './schema.ts';

export interface Fact {
  type: string;
  customerId: string;
  channel: EventChannel;
  locationId?: string | null | undefined;
  payload: Record<string, unknown>;
  /** The module or staff id that recorded it (loyalty, orders, stf_…). */
  source: string;
  occurredAt?: Date | undefined;
}

/**
 * Put a fact another module knows (points earned, an order placed, a pickup) on the customer's timeline,
 * in the caller's transaction, so the timeline never shows something that rolled back.
 */
export async function recordFact(tx: Executor, fact: Fact): Promise<string> {
  const id = newId('evt');
  await tx.insert(customerEvents).values({
    id,
    type: fact.type,
    occurredAt: fact.occurredAt ?? new Date(),
    channel: fact.channel,
    customerId: fact.customerId,
    locationId: fact.locationId ?? null,
    source: fact.source,
    payload: fact.payload,
  });
  return id;
}

/**
 * recordFact under an id the caller derives from what the fact is about, at most once: false when a
 * fact with that id is already on a timeline. The primary key makes it race-free (two tills scanning
 * the same member code at the same moment: exactly one records it). Use ids with an underscore
 * (`mcs_…`): client event ids never contain one, so a client cannot take them first.
 */
export async function recordFactOnce(tx: Executor, id: string, fact: Fact): Promise<boolean> {
  const inserted = await tx
    .insert(customerEvents)
    .values({
      id,
      type: fact.type,
      occurredAt: fact.occurredAt ?? new Date(),
      channel: fact.channel,
      customerId: fact.customerId,
      locationId: fact.locationId ?? null,
      source: fact.source,
      payload: fact.payload,
    })
    .onConflictDoNothing({ target: customerEvents.id })
    .returning({ id: customerEvents.id });
  return inserted.length === 1;
}
