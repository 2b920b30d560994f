import { and, desc, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { requireCustomer, type Principal } from '../../platform/auth.ts';
import { HANDLE_LENGTH, seenLongAgo, sessionView } from '../../platform/sessions.ts';
import { deviceLabel } from '../../platform/user-agent.ts';
import { customerSessions } from './schema.ts';
import './problems.ts';

/**
 * Her own sessions (「ログイン中の端末」): list them, end one, end all the others ("log out everywhere").
 * A member sees and ends only her own; "this device" is the principal's session, however its token
 * arrived (a bearer header or a cookie). The device id of the app (when it sent one) is kept on the
 * session but not shown: the user agent names the device for her.
 */

const live = () => and(isNull(customerSessions.revokedAt), gt(customerSessions.expiresAt, sql`now()`));

/** Her live sessions, newest first; `current` marks the one making the request. */
export async function listMySessions(db: Executor, actor: Principal) {
  const me = requireCustomer(actor);
  const rows = await db
    .select()
    .from(customerSessions)
    .where(and(eq(customerSessions.customerId, me.customerId), live()))
    .orderBy(desc(customerSessions.createdAt), customerSessions.tokenHash);
  return rows.map((r) => sessionView(r, me.tokenHash));
}

/** End one of her sessions by its handle (404 for one not hers, unknown or already ended). */
export async function revokeMySession(db: Executor, actor: Principal, handle: string): Promise<void> {
  const me = requireCustomer(actor);
  const ended = await db
    .update(customerSessions)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(customerSessions.customerId, me.customerId),
        eq(sql`left(${customerSessions.tokenHash}, ${HANDLE_LENGTH})`, handle),
        live(),
      ),
    )
    .returning({ tokenHash: customerSessions.tokenHash });
  if (!ended.length) throw new DomainError('customer.session_not_found');
}

/** End all her sessions, or all but the current one (`keepCurrent`); how many ended. */
export async function revokeMySessions(db: Executor, actor: Principal, opts: { keepCurrent: boolean }) {
  const me = requireCustomer(actor);
  const keep = opts.keepCurrent && me.tokenHash ? ne(customerSessions.tokenHash, me.tokenHash) : undefined;
  const ended = await db
    .update(customerSessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(customerSessions.customerId, me.customerId), live(), keep))
    .returning({ tokenHash: customerSessions.tokenHash });
  return { revoked: ended.length };
}

/** Note that the session was used, when its last use is more than 5 minutes old (see seenLongAgo). */
export async function noteSessionSeen(db: Db, tokenHash: string): Promise<void> {
  await db
    .update(customerSessions)
    .set({ lastSeenAt: sql`now()` })
    .where(and(eq(customerSessions.tokenHash, tokenHash), seenLongAgo(customerSessions.lastSeenAt)));
}

/** Her sessions for a personal data export: every one held (ended ones too), hers and her merged records'. */
export async function exportSessions(db: Executor, people: string[]) {
  const rows = await db
    .select()
    .from(customerSessions)
    .where(inArray(customerSessions.customerId, people))
    .orderBy(desc(customerSessions.createdAt));
  return rows.map((r) => ({
    device: deviceLabel(r.userAgent),
    userAgent: r.userAgent,
    ip: r.ip,
    deviceId: r.deviceId,
    createdAt: r.createdAt.toISOString(),
    lastSeenAt: r.lastSeenAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    revokedAt: r.revokedAt?.toISOString() ?? null,
  }));
}
