import { sql } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { requireStaff, type Principal, type StaffPrincipal } from '../../platform/auth.ts';
import './problems.ts';

/**
 * Least privilege for personal data: head office (owner, hq) sees every customer; a store's staff see a
 * customer in full only **in context** — she is, or recently was, their customer at their store:
 *   - her app's member QR or her plastic card was resolved at one of their stores in the last 12 hours (a
 *     member number or phone typed in does not count: anyone can read those off a receipt), or
 *   - she ordered for, bought at, or was registered at one of their stores in the last 30 days (her
 *     pickup, hold, delivery or till purchase, her new membership).
 * Otherwise a clerk gets customer.out_of_context (403) and finds her through the masked search. Only facts a
 * client cannot write count: the resolve's scans (source 'clienteling'; a till's own `member_scanned` or
 * `store_visited` events do not) and the order module's facts.
 */
export const CONTEXT = { scanHours: 12, orderDays: 30 } as const;

const ORDER_FACTS = ['purchased', 'return_received', 'registered_in_store'];

export async function isCustomerInContext(db: Executor, staff: StaffPrincipal, customerId: string): Promise<boolean> {
  if (staff.role === 'owner' || staff.role === 'hq') return true;
  if (!staff.locationIds.length) return false;
  const stores = sql.join(
    staff.locationIds.map((l) => sql`${l}`),
    sql`, `,
  );
  const orderFacts = sql.join(
    ORDER_FACTS.map((t) => sql`${t}`),
    sql`, `,
  );
  const rows = await query<{ ok: number }>(
    db,
    sql`SELECT 1 AS ok FROM customer_events
         WHERE customer_id = ${customerId}
           AND location_id IN (${stores})
           AND ((type = 'member_scanned' AND source = 'clienteling' AND payload->>'method' IN ('code', 'card')
                  AND occurred_at > now() - make_interval(hours => ${CONTEXT.scanHours}))
             OR ((type LIKE 'order_%' OR type IN (${orderFacts}))
                 AND occurred_at > now() - make_interval(days => ${CONTEXT.orderDays})))
         LIMIT 1`,
  );
  return rows.length > 0;
}

/** A full view of her for this staff member, or customer.out_of_context (403). */
export async function assertCustomerInContext(
  db: Executor,
  actor: Principal,
  customerId: string,
): Promise<StaffPrincipal> {
  const staff = requireStaff(actor);
  if (!(await isCustomerInContext(db, staff, customerId)))
    throw new DomainError('customer.out_of_context', { customerId });
  return staff;
}
