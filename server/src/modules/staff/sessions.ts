import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { requireStaff, type Principal } from '../../platform/auth.ts';
import { HANDLE_LENGTH, seenLongAgo, sessionView, type SessionClient } from '../../platform/sessions.ts';
import { staffSessions } from './schema.ts';
import './problems.ts';

/**
 * Her own sessions (「ログイン中の端末」): list them, end one, end all the others ("log out everywhere").
 * Each staff member sees and ends only her own; "this device" is the principal's session, however its
 * token arrived (a bearer header or a cookie).
 */

const live = () => and(isNull(staffSessions.revokedAt), gt(staffSessions.expiresAt, sql`now()`));

/** Only a SHA-256 of a session's token is stored. */
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new session for her (a password login, a PIN switch at a till): its token, shown once. */
export async function openSession(
  db: Executor,
  staffId: string,
  lifetimeMs: number,
  client?: SessionClient,
): Promise<{ token: string; expiresAt: Date }> {
  const token = `mst_${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + lifetimeMs);
  await db.insert(staffSessions).values({ tokenHash: tokenHash(token), staffId, expiresAt, ...client });
  return { token, expiresAt };
}

/** End one session by its token's hash (the till's previous operator, when another switches in). */
export async function endSession(db: Executor, hash: string): Promise<void> {
  await db
    .update(staffSessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(staffSessions.tokenHash, hash), live()));
}

/** End every live session of a staff member (she was deactivated). */
export async function endSessionsOf(db: Executor, staffId: string): Promise<number> {
  const ended = await db
    .update(staffSessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(staffSessions.staffId, staffId), live()))
    .returning({ tokenHash: staffSessions.tokenHash });
  return ended.length;
}

/** Her live sessions, newest first; `current` marks the one making the request. */
export async function listMySessions(db: Executor, actor: Principal) {
  const me = requireStaff(actor);
  const rows = await db
    .select()
    .from(staffSessions)
    .where(and(eq(staffSessions.staffId, me.staffId), live()))
    .orderBy(desc(staffSessions.createdAt), staffSessions.tokenHash);
  return rows.map((r) => sessionView(r, me.tokenHash));
}

/** End one of her sessions by its handle (404 for one not hers, unknown or already ended). */
export async function revokeMySession(db: Executor, actor: Principal, handle: string): Promise<void> {
  const me = requireStaff(actor);
  const ended = await db
    .update(staffSessions)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(staffSessions.staffId, me.staffId),
        eq(sql`left(${staffSessions.tokenHash}, ${HANDLE_LENGTH})`, handle),
        live(),
      ),
    )
    .returning({ tokenHash: staffSessions.tokenHash });
  if (!ended.length) throw new DomainError('staff.session_not_found');
}

/** End all her sessions, or all but the current one (`keepCurrent`); how many ended. */
export async function revokeMySessions(db: Executor, actor: Principal, opts: { keepCurrent: boolean }) {
  const me = requireStaff(actor);
  const keep = opts.keepCurrent && me.tokenHash ? ne(staffSessions.tokenHash, me.tokenHash) : undefined;
  const ended = await db
    .update(staffSessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(staffSessions.staffId, me.staffId), live(), keep))
    .returning({ tokenHash: staffSessions.tokenHash });
  return { revoked: ended.length };
}

/** Note that the session was used, when its last use is more than 5 minutes old (see seenLongAgo). */
export async function noteSessionSeen(db: Db, tokenHash: string): Promise<void> {
  await db
    .update(staffSessions)
    .set({ lastSeenAt: sql`now()` })
    .where(and(eq(staffSessions.tokenHash, tokenHash), seenLongAgo(staffSessions.lastSeenAt)));
}
