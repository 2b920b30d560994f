import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import type { Principal } from '../../platform/auth.ts';
import { extensionCtes, reservationCtes, shortageOf, type ReserveInput } from './reservations.ts';

/** A reservation to make inside another module's statement: its id (chosen by the caller) and its lines. */
export interface ReservationToMake {
  id: string;
  input: Omit<ReserveInput, 'ttlSeconds'>;
}

/**
 * Why the stock side refused the statement: a reservation already held had lapsed, or a line was short
 * (`shortage`: the short lines as read, for stockRefusalProblem).
 */
export type StockRefusal =
  { kind: 'hold_lapsed'; reservationIds: string[] } | { kind: 'stock_short'; shortage: string };

/**
 * The stock side of a statement that writes something else with its reservations (checkout writes the
 * order with them), for writeTogether: what to put in its WITH, a `precheck` and a `refusal` (each SQL that
 * is NULL or a refusal reason: read it back with stockRefusalOf), and what the statement must also read
 * (the stock announcements). No statement of its own: the caller's one statement does everything.
 */
export interface StockInStatement {
  with: SQL;
  /** Refuses before anything is written when the stock is already gone (read without a lock: a sold-out flash sale). */
  precheck: SQL;
  /** Refuses after the parts, under the stock rows' locks (taken last, in key order). */
  refusal: SQL;
  also: SQL[];
}

const HOLD = 'inventory.hold_lapsed';
const SHORT = 'inventory.stock_short:';
/** The reasons as SQL literals (not parameters): the statement's text stays the same for every call. */
const word = (w: string) => sql.raw(`'${w}'`);

/** New reservations (until `until`) and reservations already held (moved to `until`), in one statement. */
export function reserveInStatement(
  actor: Principal,
  make: ReservationToMake[],
  held: string[],
  until: Date,
): StockInStatement {
  const reserving = make.map((r, i) => reservationCtes(actor, r.id, r.input, until, `r${i}`));
  const extending = held.length ? extensionCtes(held, until) : null;
  return {
    with: sql.join([...reserving.map((r) => r.ctes), ...(extending ? [extending.ctes] : [])], sql`, `),
    precheck: reserving.length
      ? sql`CASE ${sql.join(
          reserving.map((r) => sql`WHEN NOT ${r.possible} THEN ${word(SHORT)} || ${r.shortage}`),
          sql` `,
        )} END`
      : sql`NULL`,
    refusal: sql`CASE
          WHEN NOT ${extending?.extended ?? sql`true`} THEN ${word(HOLD)}
          ${sql.join(
            reserving.map((r) => sql`WHEN NOT ${r.reserved} THEN ${word(SHORT)} || ${r.shortage}`),
            sql` `,
          )} END`,
    also: reserving.map((r) => r.announced),
  };
}

/** A refusal reason as the stock side's typed refusal, or null when the reason is not the stock's. */
export function stockRefusalOf(reason: string, held: string[]): StockRefusal | null {
  if (reason === HOLD) return { kind: 'hold_lapsed', reservationIds: held };
  if (reason.startsWith(SHORT)) return { kind: 'stock_short', shortage: reason.slice(SHORT.length) };
  return null;
}

/**
 * The refusal as a problem (409 inventory.reservation_not_active, 409 inventory.insufficient_stock naming
 * the first short line), or null when trying once more may succeed: the shortage came from a reservation
 * that had lapsed (given back here) or stock came in meanwhile.
 */
export async function stockRefusalProblem(db: Db, refusal: StockRefusal): Promise<DomainError | null> {
  if (refusal.kind === 'hold_lapsed')
    return new DomainError('inventory.reservation_not_active', {
      reservationId: refusal.reservationIds[0],
      currentStatus: 'expired',
    });
  return shortageOf(db, refusal.shortage);
}
