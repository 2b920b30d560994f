import { sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import type { z } from 'zod';
import type { orderQuery, OrderRowView } from './schemas.ts';
import { isChainWide, requireStaff, type Principal, type StaffPrincipal } from '../../platform/auth.ts';

export type OrderQuery = z.infer<typeof orderQuery>;

export type { OrderRowView };

/**
 * Orders across every channel for staff: by number, member number, customer name or e-mail, channel,
 * status, store and date. Store roles see orders sold at or fulfilled by their stores; owner and hq all.
 */
export async function searchOrders(
  db: Db,
  actor: Principal,
  q: OrderQuery,
): Promise<{ items: OrderRowView[]; nextCursor: string | null }> {
  const conds = orderFilters(requireStaff(actor), q);
  if (q.cursor) {
    const [at, id] = decode(q.cursor);
    conds.push(sql`(o.created_at, o.id) < (${at}::timestamptz, ${id})`);
  }
  const where = conds.length ? sql`WHERE ${sql.join(conds, sql` AND `)}` : sql``;
  // The cursor carries the time as the database wrote it (microseconds): a JavaScript Date keeps only
  // milliseconds, and a cut time would skip the rows of the same millisecond.
  const rows = await query<OrderRowView & { created_at: Date | string; created_key: string }>(
    db,
    sql`SELECT o.id, o.number, o.channel, o.status, o.location_id AS "locationId", o.customer_id AS "customerId",
               coalesce(c.name, o.guest->>'name') AS "customerName", c.member_number AS "memberNumber",
               o.total, o.points_used AS "pointsUsed", o.points_earned AS "pointsEarned", o.created_at, o.created_at::text AS created_key,
               (SELECT string_agg(DISTINCT f.type, ' ') FROM fulfilments f WHERE f.order_id = o.id) AS "fulfilmentTypes",
               (SELECT string_agg(DISTINCT f.location_id, ' ') FROM fulfilments f WHERE f.order_id = o.id) AS "fulfilmentLocations"
          FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
          ${where}
         ORDER BY o.created_at DESC, o.id DESC
         LIMIT ${q.limit + 1}`,
  );
  const kept = rows.slice(0, q.limit);
  const page = kept.map(({ created_at, created_key: _, ...r }) => ({
    ...r,
    total: Number(r.total),
    createdAt: new Date(created_at).toISOString(),
  }));
  const last = kept[kept.length - 1];
  return { items: page, nextCursor: rows.length > q.limit && last ? encode(last.created_key, last.id) : null };
}

/**
 * The search's conditions on `orders o` (joined with `customers c`): what the staff member may see — store
 * roles the orders sold at or fulfilled by their stores, owner and hq all — and the filters asked for.
 * The list, its CSV and the order-lines export share them.
 */
export function orderFilters(staff: StaffPrincipal, q: Omit<OrderQuery, 'cursor' | 'limit'>): SQL[] {
  const conds: SQL[] = [];
  if (!isChainWide(staff)) {
    const mine = staff.locationIds.length ? staff.locationIds : [''];
    conds.push(
      sql`(o.location_id IN ${mine} OR EXISTS (SELECT 1 FROM fulfilments f WHERE f.order_id = o.id AND f.location_id IN ${mine}))`,
    );
  }
  if (q.locationId)
    conds.push(
      sql`(o.location_id = ${q.locationId} OR EXISTS (SELECT 1 FROM fulfilments f WHERE f.order_id = o.id AND f.location_id = ${q.locationId}))`,
    );
  if (q.channel) conds.push(sql`o.channel = ${q.channel}`);
  if (q.status) conds.push(sql`o.status = ${q.status}`);
  if (q.from) conds.push(sql`o.created_at >= ${q.from}::timestamptz`);
  if (q.to) conds.push(sql`o.created_at < ${q.to}::timestamptz`);
  const text = q.q?.normalize('NFKC').trim();
  if (text) {
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conds.push(sql`(o.number ILIKE ${like} OR c.member_number = ${text.replace(/[\s-]/g, '')} OR c.name ILIKE ${like} OR c.name_kana ILIKE ${like}
                    OR o.guest->>'email' ILIKE ${like} OR o.guest->>'name' ILIKE ${like}
                    OR EXISTS (SELECT 1 FROM customer_identifiers i WHERE i.customer_id = o.customer_id AND i.kind = 'email' AND i.value = ${text.toLowerCase()}))`);
  }
  return conds;
}

const encode = (at: string, id: string) => Buffer.from(JSON.stringify([at, id])).toString('base64url');
function decode(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    /* fall through */
  }
  throw new DomainError('platform.validation', {}, [{ field: 'cursor', message: 'bad_cursor' }]);
}
