import { timingSafeEqual } from 'node:crypto';
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { prebuilt } from '../../platform/db/prepared.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { requireStaff, type Principal, type StaffPrincipal, type StaffRole } from '../../platform/auth.ts';
import { staffLocations, staffSessions, staffUsers } from './schema.ts';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../../platform/passwords.ts';
import { attemptSucceeded, countAttempt } from '../../platform/login-throttle.ts';
import { noticeFailures, requireEmailCode, spendEmailCode } from '../../platform/login-proof.ts';
import { acceptCode, totpStatus } from './totp.ts';
import { parseSecurityPolicy, SECURITY_SETTINGS_KEY } from './security-policy.ts';
import { settings } from '../../platform/db/platform-schema.ts';
import { seenLongAgo, type SessionClient } from '../../platform/sessions.ts';
import { noteSessionSeen, openSession, revokeMySessions, tokenHash } from './sessions.ts';
import './problems.ts';

// Administration (create, list, change, deactivate) and till PINs live in their own files.
export { createStaff, listStaff, updateStaff, grantableRoles, type NewStaff, type StaffAdminView } from './admin.ts';
export { resetPin, setMyPin, switchOperator, tillOperators } from './pins.ts';
export { createApiToken, listApiTokens, revokeApiToken, resolveApiToken } from './api-tokens.ts';
import { API_TOKEN_PREFIX, resolveApiToken } from './api-tokens.ts';

const SESSION_DAYS = 14;

export interface StaffView {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  locationIds: string[];
}

/**
 * Log in with e-mail and password, and the TOTP code when she has two-factor on; throttled per e-mail and
 * per address. The attempt is counted before anything is checked, so a missing or wrong code is a failed
 * attempt like a wrong password. Whether a code is needed is said only after the password was right.
 * After ten checked attempts on her account from anywhere, a code e-mailed to her must come with the
 * password (`emailCode`, platform/login-proof.ts); the tenth failure tells her by e-mail, once a window.
 */
export async function login(
  db: Db,
  input: {
    email: string;
    password: string;
    totp?: string | undefined;
    emailCode?: string | undefined;
    ip: string;
    client?: SessionClient;
  },
): Promise<{ token: string; expiresAt: Date; staff: StaffView }> {
  const email = input.email.normalize('NFKC').trim().toLowerCase();
  const standing = await countAttempt(db, email, input.ip, { account: true });
  const [user] = await db.select().from(staffUsers).where(eq(staffUsers.email, email));
  const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  const account = user ? { key: email, email: user.email, app: 'staff' as const } : undefined;
  const passwordOk = !!user && ok && user.active;
  if (standing.proofRequired) {
    await requireEmailCode(db, { account, passwordOk, code: input.emailCode, standing });
  } else if (!passwordOk) {
    if (account) await noticeFailures(db, account, standing);
    throw new DomainError('auth.invalid_credentials');
  }
  if (!user) throw new DomainError('auth.invalid_credentials'); // (proven above; for the type checker)
  if (user.totpEnabledAt) {
    if (!input.totp) throw new DomainError('auth.totp_required');
    if (!(await acceptCode(db, user, input.totp))) throw new DomainError('auth.totp_invalid');
  }
  if (standing.proofRequired) await spendEmailCode(db, email, input.emailCode ?? '');
  await attemptSucceeded(db, email, input.ip, { account: true, proved: standing.proofRequired });
  const { token, expiresAt } = await openSession(db, user.id, SESSION_DAYS * 86400_000, input.client);
  return { token, expiresAt, staff: await staffView(db, user.id) };
}

/**
 * She changes her password (a temporary one from her manager, or her own): the current one first, counted
 * like a login at her address. Her other sessions end; the one she is using stays.
 */
export async function changeMyPassword(
  db: Db,
  actor: Principal,
  input: { currentPassword: string; newPassword: string; ip: string },
): Promise<void> {
  const me = requireStaff(actor);
  const key = `password-change:${me.staffId}`;
  await countAttempt(db, key, input.ip);
  const [user] = await db
    .select({ hash: staffUsers.passwordHash })
    .from(staffUsers)
    .where(eq(staffUsers.id, me.staffId));
  if (!user || !(await verifyPassword(input.currentPassword, user.hash)))
    throw new DomainError('platform.validation', {}, [{ field: 'currentPassword', message: 'wrong_password' }]);
  await attemptSucceeded(db, key, input.ip);
  const passwordHash = await hashPassword(input.newPassword);
  await inTransaction(db, async (tx) => {
    await tx.update(staffUsers).set({ passwordHash }).where(eq(staffUsers.id, me.staffId));
    await revokeMySessions(tx, actor, { keepCurrent: true });
  });
}

/** Revoke the session behind this token (logout). */
export async function logout(db: Db, token: string): Promise<void> {
  await db
    .update(staffSessions)
    .set({ revokedAt: sql`now()` })
    .where(eq(staffSessions.tokenHash, tokenHash(token)));
}

/**
 * A staff session by its token's hash: the staff member, one row per store of hers, and the owner's security
 * policy read in the same statement (it applies from the next request). Built once, run on every request.
 */
const staffSessionByHash = prebuilt<
  {
    id: string;
    name: string;
    role: StaffRole;
    active: boolean;
    locationId: string | null;
    totpEnabled: boolean;
    seenLongAgo: boolean;
    policy: string | null;
  },
  'hash'
>(
  // Column names as written in the database: a statement built once goes through no casing.
  sql`SELECT u.id, u.name, u.role, u.active, l.location_id AS "locationId", u.totp_enabled_at IS NOT NULL AS "totpEnabled",
             ${seenLongAgo(sql`s.last_seen_at`)} AS "seenLongAgo",
             (SELECT value FROM settings WHERE key = ${SECURITY_SETTINGS_KEY}) AS "policy"
        FROM staff_sessions s
        JOIN staff_users u ON u.id = s.staff_id
        LEFT JOIN staff_locations l ON l.staff_id = u.id
       WHERE s.token_hash = ${sql.placeholder('hash')} AND s.revoked_at IS NULL AND s.expires_at > now()`,
);

/**
 * Turn a bearer token into a principal: the bootstrap owner token, an integration's API token (`mat_`,
 * api-tokens.ts), or a live session. The session's last
 * use is read with it and written only when more than 5 minutes old.
 */
export function tokenResolver(db: Db, bootstrapToken: string | undefined) {
  const bootstrap = bootstrapToken ? Buffer.from(bootstrapToken) : undefined;
  return async (token: string): Promise<Principal | undefined> => {
    const given = Buffer.from(token);
    if (bootstrap && given.length === bootstrap.length && timingSafeEqual(given, bootstrap)) {
      return {
        kind: 'staff',
        staffId: 'stf_bootstrap',
        name: 'Bootstrap owner',
        role: 'owner',
        locationIds: [],
        bootstrap: true,
      };
    }
    if (token.startsWith(API_TOKEN_PREFIX)) return resolveApiToken(db, token);
    if (!token.startsWith('mst_')) return undefined;
    const hash = tokenHash(token);
    const rows = await staffSessionByHash(db, { hash });
    const first = rows[0];
    if (!first || !first.active) return undefined;
    const mustEnrol = !first.totpEnabled && parseSecurityPolicy(first.policy).requireTotpFor.includes(first.role);
    if (first.seenLongAgo) await noteSessionSeen(db, hash);
    return {
      kind: 'staff',
      staffId: first.id,
      name: first.name,
      role: first.role,
      locationIds: rows.map((r) => r.locationId).filter((x): x is string => !!x),
      ...(mustEnrol ? { totpEnrolmentRequired: true } : {}),
      tokenHash: hash,
    };
  };
}

/**
 * A staff member as she may act now — her current role and stores — for work done on her behalf later (a
 * campaign she scheduled); null once she is deactivated or gone. The bootstrap owner acts as the owner.
 */
export async function actingStaff(db: Executor, id: string): Promise<StaffPrincipal | null> {
  if (id === 'stf_bootstrap')
    return { kind: 'staff', staffId: id, name: 'Bootstrap owner', role: 'owner', locationIds: [], bootstrap: true };
  const [user] = await db
    .select({ name: staffUsers.name, role: staffUsers.role, active: staffUsers.active })
    .from(staffUsers)
    .where(eq(staffUsers.id, id));
  if (!user?.active) return null;
  const locs = await db
    .select({ id: staffLocations.locationId })
    .from(staffLocations)
    .where(eq(staffLocations.staffId, id));
  return { kind: 'staff', staffId: id, name: user.name, role: user.role, locationIds: locs.map((l) => l.id).sort() };
}

export async function staffView(db: Executor, id: string): Promise<StaffView> {
  const [user] = await db.select().from(staffUsers).where(eq(staffUsers.id, id));
  if (!user) throw new DomainError('platform.not_found', { path: `staff ${id}` });
  const locs = await db
    .select({ id: staffLocations.locationId })
    .from(staffLocations)
    .where(eq(staffLocations.staffId, id));
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    locationIds: locs.map((l) => l.id).sort(),
  };
}

/** Count of staff accounts (used by first-start seeding). */
export async function staffCount(db: Executor): Promise<number> {
  const [row] = await db.select({ n: count() }).from(staffUsers);
  return row?.n ?? 0;
}

/** Who is signed in, and where she stands with two-factor sign-in (`enrolmentRequired`: restricted until she enrols). */
export async function describeMe(db: Executor, p: StaffPrincipal) {
  const totp = p.bootstrap ? { enabled: false, required: false } : await totpStatus(db, p.staffId, p.role);
  const [pin] = p.bootstrap
    ? []
    : await db
        .select({ set: sql<boolean>`${staffUsers.pinHash} IS NOT NULL` })
        .from(staffUsers)
        .where(eq(staffUsers.id, p.staffId));
  return {
    id: p.staffId,
    name: p.name,
    role: p.role,
    locationIds: p.locationIds,
    bootstrap: !!p.bootstrap,
    totp: { ...totp, enrolmentRequired: !!p.totpEnrolmentRequired },
    /** She has a till PIN (担当切替). */
    pinSet: !!pin?.set,
  };
}

// Read by other modules in their joins (the author of a note). Writes go through the verbs above.
/** Staff names by id (a note's author, a move's clerk); an unknown id is left out. */
export async function staffNames(db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db
    .select({ id: staffUsers.id, name: staffUsers.name })
    .from(staffUsers)
    .where(inArray(staffUsers.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The active staff of a store, by name (who may be given a service, a shift, an appointment). */
export async function staffAtLocation(
  db: Executor,
  locationId: string,
): Promise<Array<{ id: string; name: string; role: StaffRole }>> {
  return db
    .select({ id: staffUsers.id, name: staffUsers.name, role: staffUsers.role })
    .from(staffUsers)
    .innerJoin(staffLocations, eq(staffLocations.staffId, staffUsers.id))
    .where(and(eq(staffLocations.locationId, locationId), eq(staffUsers.active, true)))
    .orderBy(asc(staffUsers.name), asc(staffUsers.id));
}
