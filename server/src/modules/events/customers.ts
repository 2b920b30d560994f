import { sql } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import './problems.ts';

/**
 * The identity layer already depends on this module (linkDevice re-owns a device's past events,
 * merges move events, recordFact), so the timeline cannot import customers/service.ts without a cycle.
 * The two reads it needs — does this customer exist, and whom was it merged into — are plain SQL on
 * `customers`, kept in this one file.
 */

const MAX_MERGE_HOPS = 5;

/**
 * Each id mapped to the customer it stands for now: itself, or the survivor of the merge(s) it went
 * into. An unknown or deleted customer is 404 (a deleted person's events must not come back).
 */
export async function resolveCustomerIds(db: Executor, ids: string[]): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  let pending: Array<[lookup: string, original: string]> = ids.map((id) => [id, id]);
  for (let hop = 0; pending.length && hop <= MAX_MERGE_HOPS; hop++) {
    const lookups = [...new Set(pending.map(([id]) => id))];
    const rows = await query<{ id: string; status: string; merged_into: string | null }>(
      db,
      sql`SELECT id, status, merged_into FROM customers WHERE id = ANY(${sql.param(lookups)}::text[])`,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const next: typeof pending = [];
    for (const [id, original] of pending) {
      const row = byId.get(id);
      if (!row || row.status === 'deleted')
        throw new DomainError('events.customer_not_found', { customerId: original });
      if (row.status === 'merged' && row.merged_into) next.push([row.merged_into, original]);
      else result.set(original, id);
    }
    pending = next;
  }
  if (pending.length) throw new DomainError('events.customer_not_found', { customerId: pending[0]![1] });
  return result;
}

/** 404 unless the customer exists (in any status: a merged customer's timeline is simply empty). */
export async function assertCustomerExists(db: Executor, id: string): Promise<void> {
  const rows = await query<{ id: string }>(db, sql`SELECT id FROM customers WHERE id = ${id}`);
  if (!rows.length) throw new DomainError('events.customer_not_found', { customerId: id });
}
