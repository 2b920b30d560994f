import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { query, type Db, type Executor, type Tx } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { queryNamed } from '../../platform/db/prepared.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { actorId, assertCanActAt, type Principal } from '../../platform/auth.ts';
import { EVENTS_CHANNEL } from '../../platform/events/hub.ts';
import { getVariants } from '../catalog/service.ts';
import { assertLocationsExist } from '../locations/service.ts';
import {
  reservationLines,
  reservations,
  stockMovements,
  type ReservationReason,
  type ReservationStatus,
} from './schema.ts';
import {
  announce,
  levelColumns,
  levelColumnsOf,
  lockLevels,
  readLevels,
  sortPairs,
  type Level,
  type Pair,
} from './levels.ts';
import { sweepIfDue, sweepPairs } from './expiry.ts';
import { reserveOnRow } from './hot-row.ts';

export interface ReservationLine extends Pair {
  quantity: number;
}

export interface ReserveInput {
  lines: ReservationLine[];
  ttlSeconds: number;
  reason: ReservationReason;
  reference?: string | null | undefined;
}

export interface Reservation {
  id: string;
  status: ReservationStatus;
  reason: ReservationReason;
  reference: string | null;
  expiresAt: Date;
  createdAt: Date;
  createdBy: string | null;
  lines: ReservationLine[];
}

function insufficient(line: ReservationLine, available: number): DomainError {
  return new DomainError('inventory.insufficient_stock', {
    variantId: line.variantId,
    locationId: line.locationId,
    requested: line.quantity,
    available,
  });
}

/** Unknown ids are a 404, not "no stock": checked only after a reservation failed, off the hot path. */
async function assertKnown(db: Db, lines: Pair[]) {
  await assertLocationsExist(
    db,
    lines.map((l) => l.locationId),
  );
  await getVariants(
    db,
    lines.map((l) => l.variantId),
  );
}

/**
 * Reserve stock for a cart, hold (取り置き), order or transfer: all lines or none. One line is one
 * guarded statement (UPDATE … WHERE on_hand − reserved >= qty, plus the inserts, in a single CTE) —
 * coalesced with the other requests for the same stock row in flight in this app copy (hot-row.ts: a flash
 * sale's buyers go many to a statement, each in arrival order, each with its own answer); several lines
 * lock their rows in key order first. Fails with inventory.insufficient_stock naming the short line.
 */
export async function reserveStock(db: Db, actor: Principal, input: ReserveInput): Promise<Reservation> {
  for (const l of input.lines) assertCanActAt(actor, l.locationId);
  const id = newId('rsv');
  const expiresAt = new Date(Date.now() + input.ttlSeconds * 1000);
  const attempt = () =>
    input.lines.length === 1
      ? reserveLine(db, actor, id, input, expiresAt).then((r) => r.reservation)
      : reserveMany(db, actor, id, input, expiresAt);
  try {
    return await attempt();
  } catch (err) {
    if (!(err instanceof DomainError && err.code === 'inventory.insufficient_stock')) throw err;
    // A batch's refusal already said the row exists and holds no lapsed reservation: the answer stands.
    if (settled.has(err)) throw err;
    await assertKnown(db, input.lines);
    // Stock held by a reservation that has just expired is given back before we say "no".
    if (await sweepIfDue(db, input.lines)) return attempt();
    throw err;
  }
}

/** Refusals that need no second look (the row exists, nothing on it lapsed). */
const settled = new WeakSet<DomainError>();

/**
 * One line: reserveOnRow (hot-row.ts) — its own guarded statement when it is alone on its stock row,
 * else one statement with the others waiting for that row in this copy. Either way the reservation is
 * this request's own (its id, expiry, reason, reference and owner) and answered only once committed.
 * With its place in this copy's arrival order (`seq`) and the number of the statement that answered it
 * (`batch`): the tests check the order. Exported for them (they give it an id of their choosing).
 */
export async function reserveLine(
  db: Db,
  actor: Principal,
  id: string,
  input: ReserveInput,
  expiresAt: Date,
): Promise<{ reservation: Reservation; seq: number; batch: number }> {
  const line = input.lines[0]!;
  const out = await reserveOnRow(db, line, {
    id,
    quantity: line.quantity,
    reason: input.reason,
    reference: input.reference ?? null,
    expiresAt,
    createdBy: actorId(actor),
  });
  if (!out.granted) {
    if (out.lone) {
      const [level] = await readLevels(db, [line]);
      throw insufficient(line, level?.available ?? 0);
    }
    const err = insufficient(line, out.available);
    if (out.known && !out.due) settled.add(err);
    throw err;
  }
  const reservation: Reservation = {
    id,
    status: 'active',
    reason: input.reason,
    reference: input.reference ?? null,
    expiresAt,
    createdAt: out.createdAt,
    createdBy: actorId(actor),
    lines: [line],
  };
  return { reservation, seq: out.seq, batch: out.batch };
}

/**
 * A reservation as common table expressions, for a statement that does more than reserve (checkout
 * writes the order with it). All lines or none: the stock rows are locked in key order first (so two
 * carts never deadlock), every line is checked against the newest row versions under those locks, and
 * only when all have enough are the levels raised, the reservation and its lines written and the new
 * levels announced. `reserved` is true when it went through; the statement must read `announced` (a
 * plain SELECT runs only when read). Names start with `name`, so one statement can hold several.
 */
export function reservationCtes(
  actor: Principal,
  id: string,
  input: Omit<ReserveInput, 'ttlSeconds'>,
  expiresAt: Date,
  name = 'r',
): { ctes: SQL; possible: SQL; reserved: SQL; shortage: SQL; announced: SQL; created: SQL } {
  const lines = sortPairs(input.lines);
  const n = (part: string) => sql.identifier(`${name}_${part}`);
  // The lines as one JSON parameter: the statement's text is the same for any number of lines.
  const wanted = JSON.stringify(
    lines.map((l) => ({ variant_id: l.variantId, location_id: l.locationId, quantity: l.quantity })),
  );
  // Without a lock first (pre, and `possible` for the caller): when the stock is already gone (a sold-out
  // flash sale) the statement gives up at once instead of queueing for the row behind every other buyer.
  // Giving up wrongly only costs a retry: shortLine reads again and the caller tries once more.
  const ctes = sql`${n('want')} AS (SELECT * FROM jsonb_to_recordset(${wanted}::jsonb) AS w(variant_id text, location_id text, quantity int)),
        ${n('pre')} AS (
          SELECT count(*) = (SELECT count(*) FROM ${n('want')}) AND bool_and(s.on_hand - s.reserved >= w.quantity) AS may
            FROM stock_levels s JOIN ${n('want')} w ON w.variant_id = s.variant_id AND w.location_id = s.location_id),
        ${n('lk')} AS MATERIALIZED (
          SELECT s.variant_id, s.location_id, s.on_hand - s.reserved >= w.quantity AS enough,
                 s.on_hand - s.reserved AS available, coalesce(s.next_expiry <= now(), false) AS due
            FROM stock_levels s JOIN ${n('want')} w ON w.variant_id = s.variant_id AND w.location_id = s.location_id
           WHERE (SELECT may FROM ${n('pre')})
           ORDER BY s.variant_id, s.location_id FOR UPDATE OF s),
        ${n('ok')} AS (SELECT count(*) = (SELECT count(*) FROM ${n('want')}) AND bool_and(enough) AS all_enough FROM ${n('lk')}),
        ${n('lvl')} AS (
          UPDATE stock_levels s
             SET reserved = s.reserved + w.quantity,
                 next_expiry = LEAST(COALESCE(s.next_expiry, ${expiresAt}::timestamptz), ${expiresAt}::timestamptz),
                 updated_at = now()
            FROM ${n('lk')} lk JOIN ${n('want')} w ON w.variant_id = lk.variant_id AND w.location_id = lk.location_id, ${n('ok')} ok
           WHERE ok.all_enough AND s.variant_id = lk.variant_id AND s.location_id = lk.location_id
             AND s.on_hand - s.reserved >= w.quantity
          RETURNING ${levelColumnsOf('s')}),
        ${n('res')} AS (
          INSERT INTO reservations (id, status, reason, reference, expires_at, created_by)
          SELECT ${id}::text, 'active', ${input.reason}::text, ${input.reference ?? null}::text, ${expiresAt}::timestamptz, ${actorId(actor)}::text
           WHERE (SELECT count(*) FROM ${n('lvl')}) = (SELECT count(*) FROM ${n('want')})
          RETURNING created_at, updated_at),
        ${n('ln')} AS (
          INSERT INTO reservation_lines (reservation_id, variant_id, location_id, quantity)
          SELECT ${id}::text, variant_id, location_id, quantity FROM ${n('want')} WHERE EXISTS (SELECT 1 FROM ${n('res')}) RETURNING 1),
        ${n('note')} AS (
          SELECT pg_notify(${EVENTS_CHANNEL}, json_build_object('topic', 'stock', 'data', json_build_object(
            'variantId', "variantId", 'locationId', "locationId", 'onHand', "onHand", 'reserved', reserved,
            'inTransit', "inTransit", 'available', available))::text) FROM ${n('lvl')} WHERE EXISTS (SELECT 1 FROM ${n('res')}))`;
  return {
    ctes,
    possible: sql`coalesce((SELECT may FROM ${n('pre')}), false)`,
    // What a refusal says (see shortageOf): each line short now, or whose row holds a lapsed reservation —
    // under the lock when the rows were locked, else as read before.
    shortage: sql`(SELECT coalesce(json_agg(json_build_object('variantId', w.variant_id, 'locationId', w.location_id, 'requested', w.quantity, 'available', a.available, 'due', a.due)), '[]')::text
                     FROM ${n('want')} w
                     CROSS JOIN LATERAL (
                       SELECT coalesce(l.available, s.on_hand - s.reserved, 0) AS available, coalesce(l.due, s.next_expiry <= now(), false) AS due
                         FROM (SELECT 1) one
                         LEFT JOIN ${n('lk')} l ON l.variant_id = w.variant_id AND l.location_id = w.location_id
                         LEFT JOIN stock_levels s ON s.variant_id = w.variant_id AND s.location_id = w.location_id) a
                    WHERE a.available < w.quantity OR a.due)`,
    reserved: sql`((SELECT count(*) FROM ${n('lvl')}) = (SELECT count(*) FROM ${n('want')}) AND (SELECT count(*) FROM ${n('ln')}) = (SELECT count(*) FROM ${n('want')}))`,
    announced: sql`(SELECT count(*) FROM ${n('note')})`,
    created: sql`(SELECT created_at FROM ${n('res')})`,
  };
}

/**
 * Held reservations moved to `expiresAt`, as a CTE for a larger statement (checkout, after the card was
 * authorised): `extended` is true when every one was still active and unexpired.
 */
export function extensionCtes(ids: string[], expiresAt: Date, name = 'x'): { ctes: SQL; extended: SQL } {
  const n = sql.identifier(`${name}_ext`);
  return {
    ctes: sql`${n} AS (
          UPDATE reservations SET expires_at = ${expiresAt}::timestamptz, updated_at = now()
           WHERE id IN (${sql.join(
             ids.map((id) => sql`${id}`),
             sql`, `,
           )}) AND status = 'active' AND expires_at > now()
          RETURNING id)`,
    extended: sql`((SELECT count(*) FROM ${n}) = ${ids.length})`,
  };
}

/**
 * A refusal's `shortage` (reservationCtes) as a problem: the first short line, or null when the refusal
 * came from a lapsed reservation still counted on a row (given back here: then try once more) or when
 * nothing is short any more.
 */
export async function shortageOf(db: Db, shortage: string): Promise<DomainError | null> {
  const lines = JSON.parse(shortage) as Array<ReservationLine & { requested: number; available: number; due: boolean }>;
  const due = lines.filter((l) => l.due);
  if (due.length && (await sweepPairs(db, due)).length) return null;
  const short = sortPairs(lines).find((l) => l.available < l.requested);
  return short ? insufficient({ ...short, quantity: short.requested }, Math.max(short.available, 0)) : null;
}

/** Several lines in one statement (reservationCtes): one round trip instead of a transaction of 3 + 2n statements. */
async function reserveMany(
  db: Db,
  actor: Principal,
  id: string,
  input: ReserveInput,
  expiresAt: Date,
  retried = false,
): Promise<Reservation> {
  const lines = sortPairs(input.lines);
  const r = reservationCtes(actor, id, input, expiresAt);
  const rows = await queryNamed<{ createdAt: Date | null; updatedAt: Date }>(
    db,
    sql`WITH ${r.ctes}
        SELECT ${r.created} AS "createdAt", (SELECT updated_at FROM r_res) AS "updatedAt", ${r.announced} AS notified,
               -- Belt and braces: the guard cannot pass for some lines only, but if it ever did, this
               -- cast fails and the whole statement (levels included) rolls back.
               CASE WHEN (SELECT count(*) FROM r_lvl) IN (0, (SELECT count(*) FROM r_want)) THEN 0 ELSE ('partial reservation: ' || (SELECT count(*) FROM r_lvl))::int END AS partial`,
  );
  if (!rows[0]?.createdAt) {
    const now = await readLevels(db, lines);
    const i = lines.findIndex((l, n) => now[n]!.available < l.quantity);
    // Nothing short any more (stock came back meanwhile): try once more before saying no.
    if (i < 0 && !retried) return reserveMany(db, actor, id, input, expiresAt, true);
    throw insufficient(lines[Math.max(i, 0)]!, now[Math.max(i, 0)]!.available);
  }
  // The same fields, in the same order, as the reservations row the insert returned before.
  const reservation: Reservation & { updatedAt: Date } = {
    id,
    status: 'active',
    reason: input.reason,
    reference: input.reference ?? null,
    expiresAt,
    createdBy: actorId(actor),
    createdAt: new Date(rows[0]!.createdAt),
    updatedAt: new Date(rows[0]!.updatedAt),
    lines: input.lines,
  };
  return reservation;
}

/** Load a reservation and check the caller may act on every line's location. */
async function loadForUpdate(tx: Executor, actor: Principal, id: string): Promise<Reservation> {
  const [res] = await tx.select().from(reservations).where(eq(reservations.id, id)).for('update');
  if (!res) throw new DomainError('inventory.reservation_not_found', { reservationId: id });
  const lines = await tx
    .select({
      variantId: reservationLines.variantId,
      locationId: reservationLines.locationId,
      quantity: reservationLines.quantity,
    })
    .from(reservationLines)
    .where(eq(reservationLines.reservationId, id));
  for (const l of lines) assertCanActAt(actor, l.locationId);
  return { ...res, lines };
}

function assertActive(res: Reservation): void {
  const expired = res.status === 'active' && res.expiresAt.getTime() <= Date.now();
  if (res.status !== 'active' || expired) {
    throw new DomainError('inventory.reservation_not_active', {
      reservationId: res.id,
      currentStatus: expired ? 'expired' : res.status,
    });
  }
}

/** End a reservation, giving the stock back (expired ones are simply marked expired). */
async function finish(db: Db, actor: Principal, id: string, to: 'released' | 'committed'): Promise<Reservation> {
  return inTransaction(db, (tx) => finishIn(tx, actor, id, to));
}

/**
 * The same inside the caller's transaction, for modules whose own change must happen together with
 * it (an order placed ⇔ its stock sold; an order cancelled ⇔ its stock back).
 */
export async function finishIn(
  tx: Tx,
  actor: Principal,
  id: string,
  to: 'released' | 'committed',
  opts: { alreadyEndedOk?: boolean } = {},
): Promise<Reservation> {
  const res = await loadForUpdate(tx, actor, id);
  if (to === 'released' && res.status === 'active' && res.expiresAt.getTime() <= Date.now()) {
    // Releasing a reservation that has just lapsed: same stock effect, truthful status.
    return endReservation(tx, actor, res, 'expired');
  }
  if (opts.alreadyEndedOk && to === 'released' && res.status !== 'active') return res; // lapsed or released: nothing to give back
  assertActive(res);
  return endReservation(tx, actor, res, to);
}

async function endReservation(
  tx: Tx,
  actor: Principal,
  res: Reservation,
  to: 'released' | 'committed' | 'expired',
): Promise<Reservation> {
  await lockLevels(tx, res.lines);
  const levels: Level[] = [];
  for (const line of sortPairs(res.lines)) {
    const sold = to === 'committed' ? line.quantity : 0;
    const [level] = await query<Level>(
      tx,
      sql`UPDATE stock_levels SET reserved = GREATEST(reserved - ${line.quantity}, 0), on_hand = on_hand - ${sold}, updated_at = now()
           WHERE variant_id = ${line.variantId} AND location_id = ${line.locationId} AND on_hand >= ${sold}
          RETURNING ${levelColumns}`,
    );
    if (!level) {
      // A stock count took away what was reserved: the sale cannot be recorded against missing stock.
      const [now] = await readLevels(tx, [line]);
      throw insufficient(line, now?.onHand ?? 0);
    }
    levels.push(level);
    if (to === 'committed') {
      await tx.insert(stockMovements).values({
        id: newId('mov'),
        variantId: line.variantId,
        locationId: line.locationId,
        kind: 'sale',
        quantity: -line.quantity,
        onHandAfter: level.onHand,
        reference: res.reference,
        reservationId: res.id,
        staffId: actorId(actor),
      });
    }
  }
  const [updated] = await tx
    .update(reservations)
    .set({ status: to, updatedAt: sql`now()` })
    .where(eq(reservations.id, res.id))
    .returning();
  await announce(tx, levels);
  return { ...updated!, lines: res.lines };
}

export const releaseReservation = (db: Db, actor: Principal, id: string) => finish(db, actor, id, 'released');

/** Turn a reservation into a sale: on hand and reserved both drop, and a sale movement is written. */
export const commitReservation = (db: Db, actor: Principal, id: string) => finish(db, actor, id, 'committed');

/** Push an active reservation's deadline out to now + ttlSeconds. */
export async function extendReservation(
  db: Db,
  actor: Principal,
  id: string,
  ttlSeconds: number,
): Promise<Reservation> {
  return inTransaction(db, async (tx) => {
    const res = await loadForUpdate(tx, actor, id);
    assertActive(res);
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    const [updated] = await tx
      .update(reservations)
      .set({ expiresAt, updatedAt: sql`now()` })
      .where(eq(reservations.id, id))
      .returning();
    return { ...updated!, lines: res.lines };
  });
}

export async function getReservation(db: Db, actor: Principal, id: string): Promise<Reservation> {
  const [res] = await db.select().from(reservations).where(eq(reservations.id, id));
  if (!res) throw new DomainError('inventory.reservation_not_found', { reservationId: id });
  const lines = await db
    .select({
      variantId: reservationLines.variantId,
      locationId: reservationLines.locationId,
      quantity: reservationLines.quantity,
    })
    .from(reservationLines)
    .where(eq(reservationLines.reservationId, id));
  for (const l of lines) assertCanActAt(actor, l.locationId);
  const lapsed = res.status === 'active' && res.expiresAt.getTime() <= Date.now();
  return { ...res, status: lapsed ? 'expired' : res.status, lines };
}

/** Reservations touching a location, newest first (a store's holds and carts). */
export async function listReservations(
  db: Db,
  actor: Principal,
  q: { locationId: string; status?: ReservationStatus | undefined; limit: number },
): Promise<Reservation[]> {
  assertCanActAt(actor, q.locationId);
  const ids = await query<{ id: string }>(
    db,
    sql`SELECT DISTINCT r.id, r.created_at FROM reservations r JOIN reservation_lines l ON l.reservation_id = r.id
         WHERE l.location_id = ${q.locationId}
           ${q.status === 'active' ? sql`AND r.status = 'active' AND r.expires_at > now()` : q.status ? sql`AND r.status = ${q.status}` : sql``}
         ORDER BY r.created_at DESC LIMIT ${q.limit}`,
  );
  if (!ids.length) return [];
  const list = ids.map((r) => r.id);
  const rows = await db.select().from(reservations).where(inArray(reservations.id, list));
  const lines = await db
    .select()
    .from(reservationLines)
    .where(and(inArray(reservationLines.reservationId, list)));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return list.map((rid) => {
    const r = byId.get(rid)!;
    const lapsed = r.status === 'active' && r.expiresAt.getTime() <= Date.now();
    return {
      ...r,
      status: lapsed ? 'expired' : r.status,
      lines: lines
        .filter((l) => l.reservationId === rid)
        .map(({ variantId, locationId, quantity }) => ({ variantId, locationId, quantity })),
    };
  });
}
