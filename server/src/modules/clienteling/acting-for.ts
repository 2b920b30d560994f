import { sql } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { assertCanActAt, type Principal, type StaffPrincipal } from '../../platform/auth.ts';
import './problems.ts';

/** How long after the scan the clerk may go on acting for her from the card (her cart, 取り寄せ). */
export const SCAN_VALID_MINUTES = 60;

/** The scan the card was opened with: the clerk names it on every follow-up. */
export interface ActingFor {
  customerId: string;
  locationId: string;
  /** `scan.eventId` of the card (the `member_scanned` event). */
  scanId: string;
}

/**
 * The card's follow-ups (her live cart, an order for her) act for the member only in front of her: the
 * clerk must be staff of `locationId` (as for the scan itself), and `scanId` must be the scan that this
 * clerk made of this member at this store within SCAN_VALID_MINUTES. A clerk who never scanned her, at
 * another store, or hours later is refused: a customer id alone opens nothing.
 */
export async function assertActingFor(db: Db, actor: Principal, input: ActingFor): Promise<StaffPrincipal> {
  const staff = assertCanActAt(actor, input.locationId);
  const [scan] = await query<{ ok: boolean }>(
    db,
    sql`SELECT true AS ok FROM customer_events
         WHERE id = ${input.scanId} AND type = 'member_scanned' AND customer_id = ${input.customerId}
           AND location_id = ${input.locationId} AND payload->>'staffId' = ${staff.staffId}
           AND occurred_at > now() - make_interval(mins => ${SCAN_VALID_MINUTES})`,
  );
  if (!scan) throw new DomainError('clienteling.not_scanned', { customerId: input.customerId });
  return staff;
}
