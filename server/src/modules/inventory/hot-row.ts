import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connection.ts';
import { queryNamed } from '../../platform/db/prepared.ts';
import { sqlState } from '../../platform/db/tx.ts';
import { EVENTS_CHANNEL } from '../../platform/events/hub.ts';
import { levelColumnsOf, pairKey, type Pair } from './levels.ts';

/**
 * One request's reservation of one line (one stock row): its own id, expiry, reason, reference and
 * owner. `seq` is its place in the arrival order of this app copy.
 */
export interface HotMember {
  id: string;
  quantity: number;
  reason: string;
  reference: string | null;
  expiresAt: Date;
  createdBy: string | null;
}

/**
 * What the stock row said to one member: granted (the reservation and its line are committed), or refused
 * with what was left for it. A refusal marked `lone` knows nothing more — the caller reads the level, as
 * before coalescing; a batch refusal carries what was free at its turn, whether the row exists (no row:
 * the ids may be unknown) and whether a reservation on it has lapsed (`due`: sweep and try again).
 */
export type HotOutcome =
  | { granted: true; createdAt: Date; seq: number; batch: number }
  | { granted: false; lone: true; seq: number; batch: number }
  | { granted: false; lone: false; available: number; known: boolean; due: boolean; seq: number; batch: number };

/** What one request's own statement said: granted, refused with the row as read, or refused (read again). */
type OneAnswer = { createdAt: Date } | { available: number; known: boolean; due: boolean } | null;

interface Waiting {
  member: HotMember;
  seq: number;
  resolve(o: HotOutcome): void;
  reject(err: unknown): void;
}

interface Lane {
  queue: Waiting[];
  busy: boolean;
  /** When the last request for the row arrived (performance.now()). */
  lastArrival: number;
}

/**
 * A request arriving at an idle row within this long of the previous one finds the row contended: it
 * waits one turn of the event loop (setImmediate) for the requests already received to join it. On PGlite
 * a statement completes without yielding to the network, so without this one turn no request ever arrives
 * while another's statement is in flight; on the Postgres server the row is rarely idle under contention.
 * A request alone on its row (none within this window) never waits.
 */
export const CONTENDED_MS = 2;

/** At most this many requests in one statement; more wait for the next (still in arrival order). */
export const MAX_BATCH = 512;

/** Counters of this copy's coalescing (tests and the bench read them). */
export const hotRowStats = { lone: 0, batches: 0, batched: 0, largest: 0, batchFailures: 0, retried: 0, reruns: 0 };

const lanes = new WeakMap<object, Map<string, Lane>>();
/** Idle lanes are kept a moment (their lastArrival tells contention); dropped when the map grows. */
const KEEP_LANES = 1000;
let arrivals = 0;

/**
 * Reserve `member` on one stock row. Requests for the same row within this app copy are coalesced:
 * when none is in flight for the row, this one goes at once as the one guarded statement of its own
 * (reserveOneSql — no waiting, the lone path as before); while a statement for the row is in flight,
 * later requests wait in arrival order and go together, when it returns, as ONE statement that grants
 * each in turn until the stock runs out (batchSql). The gathering window is the time the row's previous
 * statement takes — the time they would have queued for its row lock anyway — and never longer than one
 * statement (MAX_BATCH requests each), or one event-loop turn for an idle row that is contended
 * (CONTENDED_MS). Nothing is answered before its statement committed.
 *
 * Lanes are per executor: a copy's pool (or PGlite's one connection), never a transaction's, since a
 * request's statement runs on its own. On PGlite the batch is one statement like any other on the
 * connection: it waits for whatever transaction holds the connection, and holds nothing while it waits.
 */
export function reserveOnRow(db: Executor, pair: Pair, member: HotMember): Promise<HotOutcome> {
  const key = pairKey(pair);
  let found = lanes.get(db);
  if (!found) lanes.set(db, (found = new Map()));
  const byRow = found;
  let lane = byRow.get(key);
  if (!lane) {
    if (byRow.size >= KEEP_LANES) forgetIdle(byRow);
    byRow.set(key, (lane = { queue: [], busy: false, lastArrival: -Infinity }));
  }
  const row = lane;
  const seq = ++arrivals;
  const at = performance.now();
  const contended = at - row.lastArrival < CONTENDED_MS;
  row.lastArrival = at;
  return new Promise<HotOutcome>((resolve, reject) => {
    row.queue.push({ member, seq, resolve, reject });
    if (!row.busy) {
      row.busy = true;
      if (contended) setImmediate(() => void drain(db, pair, row));
      else void drain(db, pair, row);
    }
  });
}

/**
 * Run the lane's queue, one statement at a time, until it is empty (runLone and runBatch answer every
 * request themselves and never throw).
 */
async function drain(db: Executor, pair: Pair, lane: Lane): Promise<void> {
  while (lane.queue.length) {
    const group = lane.queue.splice(0, MAX_BATCH);
    if (group.length === 1) await runLone(db, pair, group[0]!);
    else await runBatch(db, pair, group);
  }
  // In the same turn as the empty check: a request arriving after it finds the lane idle and starts one.
  lane.busy = false;
}

/** Drop the idle lanes no request has come to for a while (a busy one holds waiting requests). */
function forgetIdle(byRow: Map<string, Lane>): void {
  const old = performance.now() - 10 * CONTENDED_MS;
  for (const [key, lane] of byRow) if (!lane.busy && lane.lastArrival < old) byRow.delete(key);
}

let batchNo = 0;

async function runLone(db: Executor, pair: Pair, w: Waiting): Promise<void> {
  hotRowStats.lone++;
  const batch = ++batchNo;
  try {
    w.resolve(outcomeOf(await reserveOneSql(db, pair, w.member), w, batch));
  } catch (err) {
    w.reject(err);
  }
}

async function runBatch(db: Executor, pair: Pair, group: Waiting[]): Promise<void> {
  hotRowStats.batches++;
  hotRowStats.batched += group.length;
  hotRowStats.largest = Math.max(hotRowStats.largest, group.length);
  const batch = ++batchNo;
  let rows: BatchRow[];
  try {
    rows = await batchSql(db, pair, group);
    // Seen on the Postgres server while receipts (transactions) updated the row between the statement's
    // snapshot and its lock: the walk granted requests under the lock, yet the guarded UPDATE came back
    // without the row, so nothing was written (1 run in ~3 of the interleaved test; never in isolation).
    // The statement wrote nothing: it runs again; the requests keep their place.
    for (let again = 0; rows[0]?.unapplied && again < 3; again++) {
      hotRowStats.reruns++;
      rows = await batchSql(db, pair, group);
    }
    if (rows[0]?.unapplied) throw new Error('batch not applied');
  } catch {
    // The statement failed as a whole (nothing of it was kept). Each request is tried on its own, in
    // arrival order, so one request's fault fails that request only and the others get their answer.
    hotRowStats.batchFailures++;
    for (const w of group) {
      hotRowStats.retried++;
      try {
        const answer = await reserveOneSql(db, pair, w.member).catch((e: unknown) => alreadyMade(db, pair, w, e));
        w.resolve(outcomeOf(answer, w, batch));
      } catch (own) {
        w.reject(own);
      }
    }
    return;
  }
  for (const [i, w] of group.entries()) {
    const r = rows[i]!;
    if (r.createdAt) w.resolve({ granted: true, createdAt: new Date(r.createdAt), seq: w.seq, batch });
    else
      w.resolve({
        granted: false,
        lone: false,
        available: Math.max(Number(r.available), 0),
        known: r.known,
        due: r.due,
        seq: w.seq,
        batch,
      });
  }
}

/**
 * A retried request whose own reservation id is already taken: when the batch statement did commit but
 * its answer was lost (a connection cut after the commit), that reservation is this request's — the same
 * id, row, quantity, expiry and owner — and is its answer. Anything else stays the error it was.
 */
async function alreadyMade(db: Executor, pair: Pair, w: Waiting, err: unknown): Promise<OneAnswer> {
  if (sqlState(err) !== '23505') throw err;
  const m = w.member;
  const [mine] = await queryNamed<{ createdAt: Date }>(
    db,
    sql`SELECT r.created_at AS "createdAt" FROM reservations r JOIN reservation_lines l ON l.reservation_id = r.id
         WHERE r.id = ${m.id} AND l.variant_id = ${pair.variantId} AND l.location_id = ${pair.locationId}
           AND l.quantity = ${m.quantity} AND r.expires_at = ${m.expiresAt.toISOString()}::timestamptz
           AND r.created_by IS NOT DISTINCT FROM ${m.createdBy}::text AND r.status = 'active'`,
  );
  if (!mine) throw err;
  return { createdAt: new Date(mine.createdAt) };
}

function outcomeOf(answer: OneAnswer, w: Waiting, batch: number): HotOutcome {
  if (answer && 'createdAt' in answer) return { granted: true, createdAt: answer.createdAt, seq: w.seq, batch };
  if (answer) return { granted: false, lone: false, ...answer, seq: w.seq, batch };
  return { granted: false, lone: true, seq: w.seq, batch };
}

/**
 * One reservation of one line as one guarded statement (UPDATE … WHERE on_hand − reserved >= qty, the
 * reservation and its line, the NOTIFY, in a single CTE): the lone path. A refusal comes back with the row
 * as the statement read it (what was free, whether the row exists, whether a reservation on it has lapsed),
 * so a refused buyer costs no second statement; when that read disagrees with the refusal (the row changed
 * while the UPDATE waited for its lock) the answer is null: the caller reads the level again, as before.
 */
export async function reserveOneSql(db: Executor, line: Pair, m: HotMember): Promise<OneAnswer> {
  const [row] = await queryNamed<{ createdAt: Date | null; available: number | null; due: boolean | null }>(
    db,
    sql`WITH lvl AS (
          UPDATE stock_levels
             SET reserved = reserved + ${m.quantity}::int,
                 next_expiry = LEAST(COALESCE(next_expiry, ${m.expiresAt}::timestamptz), ${m.expiresAt}::timestamptz),
                 updated_at = now()
           WHERE variant_id = ${line.variantId} AND location_id = ${line.locationId}
             AND on_hand - reserved >= ${m.quantity}::int
          RETURNING ${levelColumnsOf()}),
        res AS (
          INSERT INTO reservations (id, status, reason, reference, expires_at, created_by)
          SELECT ${m.id}::text, 'active', ${m.reason}::text, ${m.reference}::text, ${m.expiresAt}::timestamptz, ${m.createdBy}::text FROM lvl
          RETURNING created_at),
        ln AS (
          INSERT INTO reservation_lines (reservation_id, variant_id, location_id, quantity)
          SELECT ${m.id}::text, ${line.variantId}::text, ${line.locationId}::text, ${m.quantity}::int FROM lvl RETURNING 1),
        note AS (
          SELECT pg_notify(${EVENTS_CHANNEL}, json_build_object('topic', 'stock', 'data', json_build_object(
            'variantId', "variantId", 'locationId', "locationId", 'onHand', "onHand", 'reserved', reserved,
            'inTransit', "inTransit", 'available', available))::text) FROM lvl)
        SELECT (SELECT created_at FROM res) AS "createdAt", (SELECT count(*) FROM note) AS notified,
               (SELECT count(*) FROM ln) AS lines, s.on_hand - s.reserved AS available,
               coalesce(s.next_expiry <= now(), false) AS due
          FROM (SELECT 1) one
          LEFT JOIN stock_levels s ON s.variant_id = ${line.variantId} AND s.location_id = ${line.locationId}`,
  );
  if (row?.createdAt) return { createdAt: new Date(row.createdAt) };
  if (!row || row.available === null) return { available: 0, known: false, due: false };
  const available = Number(row.available);
  return available < m.quantity ? { available: Math.max(available, 0), known: true, due: Boolean(row.due) } : null;
}

interface BatchRow {
  o: number;
  createdAt: Date | null;
  available: number;
  known: boolean;
  due: boolean;
  unapplied: boolean;
}

/**
 * The batch: one statement for many requests on one stock row. Without a lock first (`pre`): when not even
 * the smallest request fits (a sold-out flash sale) every request is refused at once, without queueing for
 * the row behind other copies. Else the row is locked (`lk`), and the requests are taken in arrival order
 * (`g`, a walk over them): each gets its quantity if it still fits — exactly what its own statement would
 * have done at that place in the queue — and the walk stops when nothing more fits. The row is raised by
 * the granted total under a guard (belt and braces: it holds under the lock), each granted request's
 * reservation and line are written with its own id, reason, reference, expiry and owner, and the new level
 * is announced once. One row back per request, in arrival order.
 */
async function batchSql(db: Executor, line: Pair, group: Waiting[]): Promise<BatchRow[]> {
  const members = JSON.stringify(
    group.map((w, i) => ({
      o: i + 1,
      id: w.member.id,
      q: w.member.quantity,
      reason: w.member.reason,
      ref: w.member.reference,
      exp: w.member.expiresAt.toISOString(),
      cb: w.member.createdBy,
    })),
  );
  const rows = await queryNamed<BatchRow>(
    db,
    sql`WITH RECURSIVE
        want AS (SELECT * FROM jsonb_to_recordset(${members}::jsonb) AS w(o int, id text, q int, reason text, ref text, exp timestamptz, cb text)),
        qs AS (SELECT array_agg(q ORDER BY o) AS q, count(*)::int AS n, min(q) AS least FROM want),
        pre AS (
          SELECT s.on_hand - s.reserved AS available, coalesce(s.next_expiry <= now(), false) AS due
            FROM stock_levels s WHERE s.variant_id = ${line.variantId} AND s.location_id = ${line.locationId}),
        lk AS MATERIALIZED (
          SELECT s.on_hand - s.reserved AS available, coalesce(s.next_expiry <= now(), false) AS due
            FROM stock_levels s
           WHERE s.variant_id = ${line.variantId} AND s.location_id = ${line.locationId}
             AND (SELECT available FROM pre) >= (SELECT least FROM qs)
             FOR UPDATE),
        g (o, left_after, ok) AS (
          SELECT 0, (SELECT available FROM lk), false WHERE EXISTS (SELECT 1 FROM lk)
          UNION ALL
          SELECT g.o + 1,
                 CASE WHEN qs.q[g.o + 1] <= g.left_after THEN g.left_after - qs.q[g.o + 1] ELSE g.left_after END,
                 qs.q[g.o + 1] <= g.left_after
            FROM g, qs WHERE g.o < qs.n AND g.left_after >= qs.least),
        granted AS MATERIALIZED (SELECT w.* FROM want w JOIN g ON g.o = w.o WHERE g.ok),
        tot AS (SELECT coalesce(sum(q), 0)::int AS q, min(exp) AS exp FROM granted),
        lvl AS (
          UPDATE stock_levels s
             SET reserved = s.reserved + tot.q,
                 next_expiry = LEAST(COALESCE(s.next_expiry, tot.exp), tot.exp),
                 updated_at = now()
            FROM tot
           WHERE s.variant_id = ${line.variantId} AND s.location_id = ${line.locationId}
             AND tot.q > 0 AND s.on_hand - s.reserved >= tot.q
          RETURNING ${levelColumnsOf('s')}),
        res AS (
          INSERT INTO reservations (id, status, reason, reference, expires_at, created_by)
          SELECT id, 'active', reason, ref, exp, cb FROM granted WHERE EXISTS (SELECT 1 FROM lvl) ORDER BY o
          RETURNING id, created_at),
        ln AS (
          INSERT INTO reservation_lines (reservation_id, variant_id, location_id, quantity)
          SELECT id, ${line.variantId}::text, ${line.locationId}::text, q FROM granted WHERE EXISTS (SELECT 1 FROM lvl) ORDER BY o
          RETURNING reservation_id),
        note AS (
          SELECT pg_notify(${EVENTS_CHANNEL}, json_build_object('topic', 'stock', 'data', json_build_object(
            'variantId', "variantId", 'locationId', "locationId", 'onHand', "onHand", 'reserved', reserved,
            'inTransit', "inTransit", 'available', available))::text) FROM lvl),
        last AS (SELECT left_after FROM g ORDER BY o DESC LIMIT 1)
        SELECT w.o, r.created_at AS "createdAt",
               coalesce(g.left_after, (SELECT left_after FROM last), (SELECT available FROM pre), 0) AS available,
               EXISTS (SELECT 1 FROM pre) AS known,
               coalesce((SELECT due FROM lk), (SELECT due FROM pre), false) AS due,
               (SELECT count(*) FROM note) AS notified,
               -- Requests the walk granted but the guarded UPDATE found no row for (then nothing was written).
               (SELECT count(*) FROM granted) > 0 AND NOT EXISTS (SELECT 1 FROM lvl) AS unapplied,
               -- Belt and braces: a granted request without its line (or a line without its reservation)
               -- fails this cast, and the whole statement, levels included, rolls back.
               CASE WHEN (SELECT count(*) FROM ln) = (SELECT count(*) FROM res) THEN 0
                    ELSE ('partial batch: ' || (SELECT count(*) FROM ln))::int END AS partial
          FROM want w
          LEFT JOIN g ON g.o = w.o
          LEFT JOIN res r ON r.id = w.id
         ORDER BY w.o`,
  );
  return rows;
}
