import { sql } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import { emitIfWanted } from '../../platform/event-demand.ts';

/**
 * What the customer module tells integrations (notifications hands it to webhooks and NATS), in the change's
 * transaction while one listens (platform/event-demand.ts), keyed by the customer: `customer.created` and `customer.updated` with her record as
 * it now is, `customer.merged` with the two ids, `customer.deleted` with her id only — never personal data.
 */
export async function emitCustomerChanged(
  tx: Executor,
  name: 'customer.created' | 'customer.updated',
  customerId: string,
  load: () => Promise<{ id: string }>,
): Promise<void> {
  await emitIfWanted(tx, name, customerId, async () => ({ customer: await load(), at: new Date().toISOString() }));
}

export async function emitCustomersMerged(
  tx: Executor,
  m: { survivorId: string; mergedId: string; mergeId: string },
): Promise<void> {
  await emitIfWanted(tx, 'customer.merged', m.survivorId, { ...m, at: new Date().toISOString() });
}

/**
 * `customer.deleted` (ids only), and her record taken out of the news not yet purged from the outbox: the
 * `customer.created` / `customer.updated` events and their deliveries keep only her id, so nothing of her
 * leaves after the erasure, nor stays behind in the retention window.
 */
export async function emitCustomerDeleted(
  tx: Executor,
  customerId: string,
  people: readonly string[],
  deletedAt: string,
): Promise<number> {
  // Her record and those merged into her: each one's customer.* news keeps its id only.
  const ids = JSON.stringify(people.length ? people : [customerId]);
  const scrubbed = await query<{ id: number }>(
    tx,
    sql`UPDATE outbox o SET payload = CASE WHEN o.payload ? 'data'
                                           THEN jsonb_set(o.payload, '{data,customer}', jsonb_build_object('id', p.id))
                                           ELSE jsonb_set(o.payload, '{customer}', jsonb_build_object('id', p.id)) END
          FROM jsonb_array_elements_text(${ids}::jsonb) AS p(id)
         WHERE o.template IN ('customer.created', 'customer.updated')
           AND coalesce(o.payload -> 'customer' ->> 'id', o.payload -> 'data' -> 'customer' ->> 'id') = p.id
         RETURNING o.id`,
  );
  await emitIfWanted(tx, 'customer.deleted', customerId, { customerId, deletedAt, at: deletedAt });
  return scrubbed.length;
}
