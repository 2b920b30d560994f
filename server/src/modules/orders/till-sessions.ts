import { and, desc, eq, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { query } from '../../platform/db/connection.ts';
import { inTransaction, sqlState } from '../../platform/db/tx.ts';
import { DomainError, defineProblems, type CodesOf } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { assertCanActAt, isChainWide, requireStaff, type Principal } from '../../platform/auth.ts';
import { getLocation } from '../locations/service.ts';
import { staffNames } from '../staff/service.ts';
import { denominations, tillCashMovements, tillSessions, type TillReportFigures } from './schema.ts';
import { tillFigures } from './till-report.ts';
import type { TillCashMovementInput, TillCloseInput, TillOpenInput } from './till-session-schemas.ts';

export const tillSessionProblems = defineProblems({
  'till_session.already_open': {
    status: 409,
    ja: {
      title: 'レジはすでに開いています',
      detail: (p) => `この店舗では ${p.registerName} が ${p.openedAt} から開いています。締めてから開けてください。`,
    },
    en: {
      title: 'The till is already open',
      detail: (p) => `${p.registerName} has been open at this store since ${p.openedAt}. Close it first.`,
    },
  },
  'till_session.closed': {
    status: 409,
    ja: { title: 'このレジは締め済みです', detail: (p) => `精算 No.${p.zNumber} で締められています。` },
    en: { title: 'This till is already closed', detail: (p) => `It was closed with Z report No. ${p.zNumber}.` },
  },
  'till_session.not_found': {
    status: 404,
    ja: { title: 'レジの記録が見つかりません', detail: (p) => `レジ記録 ${p.sessionId} はありません。` },
    en: { title: 'Till session not found', detail: (p) => `There is no till session ${p.sessionId}.` },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof tillSessionProblems> {}
}

type SessionRow = typeof tillSessions.$inferSelect;

export interface TillSessionView {
  id: string;
  locationId: string;
  locationName: string;
  registerName: string;
  status: 'open' | 'closed';
  float: number;
  openedBy: { id: string; name: string };
  openedAt: string;
  closedBy: { id: string; name: string } | null;
  closedAt: string | null;
  cashMovements: Array<{
    id: string;
    kind: 'in' | 'out';
    amount: number;
    reason: string;
    staffName: string;
    createdAt: string;
  }>;
  counted: Record<string, number> | null;
  countedCash: number | null;
  expectedCash: number | null;
  overShort: number | null;
  zNumber: number | null;
  note: string | null;
  /** The Z report kept at the close; null while open (ask for the X report). */
  report: TillReportFigures | null;
}

const DEFAULT_REGISTER = 'レジ1';

/** Open the store's till with the float (釣銭準備金): one open session per store, a second opening is a 409. */
export async function openTillSession(db: Db, actor: Principal, input: TillOpenInput): Promise<TillSessionView> {
  const staff = assertCanActAt(actor, input.locationId);
  await getLocation(db, input.locationId);
  const id = newId('till');
  try {
    await db.insert(tillSessions).values({
      id,
      locationId: input.locationId,
      registerName: input.registerName?.trim() || DEFAULT_REGISTER,
      float: input.float,
      openedBy: staff.staffId,
    });
  } catch (err) {
    // Two clerks opening at once: the partial unique index lets one in.
    if (sqlState(err) === '23505') {
      const open = await openSessionAt(db, input.locationId);
      throw new DomainError('till_session.already_open', {
        sessionId: open?.id,
        registerName: open?.registerName ?? '',
        openedAt: open ? tokyoTime(open.openedAt) : '',
      });
    }
    throw err;
  }
  return tillSessionView(db, actor, id);
}

async function openSessionAt(db: Executor, locationId: string): Promise<SessionRow | undefined> {
  const [row] = await db
    .select()
    .from(tillSessions)
    .where(and(eq(tillSessions.locationId, locationId), isNull(tillSessions.closedAt)));
  return row;
}

/** The store's open session, or null: what the till screen asks when it starts. */
export async function currentTillSession(
  db: Db,
  actor: Principal,
  locationId: string,
): Promise<TillSessionView | null> {
  assertCanActAt(actor, locationId);
  const open = await openSessionAt(db, locationId);
  return open ? viewOf(db, open) : null;
}

/** A session, open or closed (a past Z report to reprint): staff of its store and head office. */
export async function tillSessionView(db: Db, actor: Principal, sessionId: string): Promise<TillSessionView> {
  const row = await load(db, sessionId);
  assertCanActAt(actor, row.locationId);
  return viewOf(db, row);
}

async function load(db: Executor, sessionId: string, forUpdate = false): Promise<SessionRow> {
  const q = db.select().from(tillSessions).where(eq(tillSessions.id, sessionId));
  const [row] = forUpdate ? await q.for('update') : await q;
  if (!row) throw new DomainError('till_session.not_found', { sessionId });
  return row;
}

function assertOpen(row: SessionRow): void {
  if (row.closedAt) throw new DomainError('till_session.closed', { sessionId: row.id, zNumber: row.zNumber });
}

/** 入金・出金: cash put into or taken out of the open drawer, with the reason (両替, 小口払い …). */
export async function moveTillCash(db: Db, actor: Principal, sessionId: string, input: TillCashMovementInput) {
  const staff = requireStaff(actor);
  await inTransaction(db, async (tx) => {
    // Under the session's row lock: a movement and the close never cross (the Z holds it or it is refused).
    const row = await load(tx, sessionId, true);
    assertCanActAt(actor, row.locationId);
    assertOpen(row);
    await tx.insert(tillCashMovements).values({
      id: newId('tcm'),
      sessionId,
      kind: input.kind,
      amount: input.amount,
      reason: input.reason.trim(),
      staffId: staff.staffId,
    });
  });
  return tillSessionView(db, actor, sessionId);
}

/** The X report (点検): the open session's figures now. Changes nothing. */
export async function tillXReport(db: Db, actor: Principal, sessionId: string): Promise<TillReportFigures> {
  const row = await load(db, sessionId);
  assertCanActAt(actor, row.locationId);
  if (row.closedAt && row.report) return withTopUps(row.report);
  const [{ now } = { now: new Date() }] = await query<{ now: Date | string }>(db, sql`SELECT now() AS now`);
  return tillFigures(db, row, new Date(now));
}

/** The count by denomination as the till sent it: known denominations, pieces 0–9,999; the total in yen. */
export function countedCash(counted: Record<string, number>): number {
  let total = 0;
  for (const [key, pieces] of Object.entries(counted)) {
    const yen = Number(key);
    if (!(denominations as readonly number[]).includes(yen) || String(yen) !== key)
      throw new DomainError('platform.validation', {}, [{ field: `counted.${key}`, message: 'unknown_denomination' }]);
    if (!Number.isInteger(pieces) || pieces < 0 || pieces > 9999)
      throw new DomainError('platform.validation', {}, [{ field: `counted.${key}`, message: 'pieces_0_9999' }]);
    total += yen * pieces;
  }
  return total;
}

/**
 * レジ締め: the cash counted by denomination against what the drawer should hold, and the Z report (精算)
 * kept with the session. Under the session's row lock and a guarded update, so two closes make one Z (the
 * second is a 409 naming it).
 */
export async function closeTillSession(
  db: Db,
  actor: Principal,
  sessionId: string,
  input: TillCloseInput,
): Promise<TillSessionView> {
  const staff = requireStaff(actor);
  const counted = countedCash(input.counted);
  await inTransaction(db, async (tx) => {
    const row = await load(tx, sessionId, true);
    assertCanActAt(actor, row.locationId);
    assertOpen(row);
    // The moment the lock was held, not the transaction's start (now()): a cash movement that held the lock
    // first was stamped after this transaction began and must still be in the Z it was accepted into.
    const [{ now } = { now: new Date() }] = await query<{ now: Date | string }>(
      tx,
      sql`SELECT clock_timestamp() AS now`,
    );
    const closedAt = new Date(now);
    const report = await tillFigures(tx, row, closedAt);
    const [{ z } = { z: 1 }] = await query<{ z: number }>(
      tx,
      sql`SELECT (coalesce(max(z_number), 0) + 1)::int AS z FROM till_sessions WHERE location_id = ${row.locationId}`,
    );
    const done = await tx
      .update(tillSessions)
      .set({
        closedAt,
        closedBy: staff.staffId,
        counted: Object.fromEntries(denominations.map((d) => [String(d), input.counted[String(d)] ?? 0])),
        countedCash: counted,
        expectedCash: report.expectedCash,
        overShort: counted - report.expectedCash,
        zNumber: Number(z),
        report,
        note: input.note?.trim() || null,
      })
      .where(and(eq(tillSessions.id, sessionId), isNull(tillSessions.closedAt)))
      .returning({ id: tillSessions.id });
    if (done.length === 0) throw new DomainError('till_session.closed', { sessionId, zNumber: row.zNumber });
  });
  return tillSessionView(db, actor, sessionId);
}

/**
 * Past Z reports, newest first: a store's (its staff), or every store's (head office, no locationId;
 * store roles see their own stores').
 */
export async function listZReports(
  db: Db,
  actor: Principal,
  filter: { locationId?: string | undefined; limit: number },
): Promise<TillSessionView[]> {
  const staff = requireStaff(actor);
  const where: SQL[] = [isNotNull(tillSessions.closedAt)];
  if (filter.locationId) {
    assertCanActAt(actor, filter.locationId);
    where.push(eq(tillSessions.locationId, filter.locationId));
  } else if (!isChainWide(staff)) {
    if (staff.locationIds.length === 0) return [];
    where.push(inArray(tillSessions.locationId, staff.locationIds));
  }
  const rows = await db
    .select()
    .from(tillSessions)
    .where(and(...where))
    .orderBy(desc(tillSessions.closedAt))
    .limit(filter.limit);
  return Promise.all(rows.map((r) => viewOf(db, r)));
}

async function viewOf(db: Executor, row: SessionRow): Promise<TillSessionView> {
  const moves = await db
    .select()
    .from(tillCashMovements)
    .where(eq(tillCashMovements.sessionId, row.id))
    .orderBy(tillCashMovements.createdAt, tillCashMovements.id);
  const names = await staffNames(db, [
    row.openedBy,
    ...(row.closedBy ? [row.closedBy] : []),
    ...moves.map((m) => m.staffId),
  ]);
  const who = (id: string) => ({ id, name: names.get(id) ?? '' });
  const location = await getLocation(db, row.locationId);
  return {
    id: row.id,
    locationId: row.locationId,
    locationName: location.name,
    registerName: row.registerName,
    status: row.closedAt ? 'closed' : 'open',
    float: row.float,
    openedBy: who(row.openedBy),
    openedAt: row.openedAt.toISOString(),
    closedBy: row.closedBy ? who(row.closedBy) : null,
    closedAt: row.closedAt?.toISOString() ?? null,
    cashMovements: moves.map((m) => ({
      id: m.id,
      kind: m.kind,
      amount: m.amount,
      reason: m.reason,
      staffName: names.get(m.staffId) ?? '',
      createdAt: m.createdAt.toISOString(),
    })),
    counted: row.counted,
    countedCash: row.countedCash,
    expectedCash: row.expectedCash,
    overShort: row.overShort,
    zNumber: row.zNumber,
    note: row.note,
    report: row.report ? withTopUps(row.report) : null,
  };
}

/** A Z report kept before cash top-ups were on it had none. */
const withTopUps = (r: TillReportFigures): TillReportFigures => ({
  ...r,
  cashTopUps: r.cashTopUps ?? { count: 0, amount: 0 },
});

const tokyo = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
function tokyoTime(d: Date): string {
  return tokyo.format(d);
}
