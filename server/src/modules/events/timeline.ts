import { sql } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { requireCustomer, requireStaff, type Principal } from '../../platform/auth.ts';
import type { EventChannel } from './schema.ts';
import { assertCustomerExists } from './customers.ts';
import { assertCustomerInContext } from './context.ts';

export interface TimelineItem {
  id: string;
  type: string;
  occurredAt: string;
  channel: EventChannel;
  locationId: string | null;
  locationName: string | null;
  payload: Record<string, unknown>;
}

export interface TimelinePage {
  items: TimelineItem[];
  nextCursor: string | null;
}

export interface TimelineQuery {
  limit: number;
  cursor?: string | undefined;
  types?: string[] | undefined;
}

interface Row {
  id: string;
  type: string;
  at: string;
  channel: EventChannel;
  location_id: string | null;
  location_name: string | null;
  payload: Record<string, unknown>;
}

// The cursor carries occurred_at to the microsecond, as the database printed it, so no event is skipped
// or repeated when two share a millisecond.
const AT_US = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function encodeCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !AT_US.test(at) || !id || rest.length || id.length > 200)
    throw new DomainError('platform.validation', {}, [{ field: 'cursor', message: 'bad_cursor' }]);
  return { at, id };
}

/**
 * One person's timeline, online and offline interleaved, newest first. Keyset pagination on
 * (occurred_at, id) walks the (customer_id, occurred_at, id) index backwards: page 1,000 costs what
 * page 1 does. Callers check who may read it.
 */
export async function readTimeline(db: Executor, customerId: string, q: TimelineQuery): Promise<TimelinePage> {
  const after = q.cursor ? decodeCursor(q.cursor) : undefined;
  const rows = await query<Row>(
    db,
    sql`SELECT e.id, e.type, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
               e.channel, e.location_id, l.name AS location_name, e.payload
          FROM customer_events e
          LEFT JOIN locations l ON l.id = e.location_id
         WHERE e.customer_id = ${customerId}
           ${after ? sql`AND (e.occurred_at, e.id) < (${after.at}::timestamptz, ${after.id})` : sql``}
           ${q.types ? sql`AND e.type = ANY(${sql.param(q.types)}::text[])` : sql``}
         ORDER BY e.occurred_at DESC, e.id DESC
         LIMIT ${q.limit + 1}`,
  );
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      type: r.type,
      occurredAt: new Date(r.at).toISOString(),
      channel: r.channel,
      locationId: r.location_id,
      locationName: r.location_name,
      payload: r.payload,
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.at, last.id) : null,
  };
}

/** Any customer's timeline, for staff (a customer token is 403 here, even for their own id). */
export async function customerTimeline(
  db: Executor,
  actor: Principal,
  customerId: string,
  q: TimelineQuery,
): Promise<TimelinePage> {
  await assertCustomerInContext(db, actor, customerId);
  await assertCustomerExists(db, customerId);
  return readTimeline(db, customerId, q);
}

/** The signed-in customer's own timeline. */
export async function myTimeline(db: Executor, actor: Principal, q: TimelineQuery): Promise<TimelinePage> {
  return readTimeline(db, requireCustomer(actor).customerId, q);
}
