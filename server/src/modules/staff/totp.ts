import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { requireStaff, type Principal } from '../../platform/auth.ts';
import { attemptSucceeded, countAttempt } from '../../platform/login-throttle.ts';
import { staffUsers } from './schema.ts';
import { readSecurityPolicy } from './security-policy.ts';
import './problems.ts';

/**
 * Staff two-factor sign-in: TOTP (RFC 6238) as every authenticator app reads it — base32 secret, SHA-1,
 * 6 digits, 30-second steps, one step either side for a clock that is a little off. A code is accepted
 * once: the step of the last accepted code is stored, and a code whose step is not later is refused (§5.2),
 * by a guarded update, so two requests racing with the same code cannot both pass.
 */
const PERIOD = 30;
const WINDOW = 1;

function totpFor(secret: string, email: string): TOTP {
  return new TOTP({
    issuer: 'Musubi',
    label: email,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD,
    secret: Secret.fromBase32(secret),
  });
}

/**
 * Accept `code` for this member's secret: right now (±1 step) and of a later step than the last accepted.
 * Records the step; false when the code is wrong or already used.
 */
export async function acceptCode(
  db: Executor,
  user: { id: string; email: string; totpSecret: string | null },
  code: string,
): Promise<boolean> {
  if (!user.totpSecret || !/^\d{6}$/.test(code)) return false;
  const now = Date.now();
  const delta = totpFor(user.totpSecret, user.email).validate({ token: code, timestamp: now, window: WINDOW });
  if (delta === null) return false;
  const step = Math.floor(now / 1000 / PERIOD) + delta;
  const used = await db
    .update(staffUsers)
    .set({ totpLastStep: step })
    .where(and(eq(staffUsers.id, user.id), or(isNull(staffUsers.totpLastStep), lt(staffUsers.totpLastStep, step))))
    .returning({ id: staffUsers.id });
  return used.length === 1;
}

async function ownRow(db: Executor, actor: Principal) {
  const me = requireStaff(actor);
  const [user] = await db.select().from(staffUsers).where(eq(staffUsers.id, me.staffId));
  if (!user) {
    throw new DomainError('platform.forbidden', {
      reason: 'この操作には個人のスタッフアカウントでログインしてください。',
      reasonEn: 'Sign in with your own staff account to do this.',
    });
  }
  return { me, user };
}

/** Start (or restart) enrolment: a fresh secret, pending until a code from it is confirmed. */
export async function startTotp(db: Db, actor: Principal): Promise<{ secret: string; uri: string }> {
  const { user } = await ownRow(db, actor);
  if (user.totpEnabledAt) throw new DomainError('staff.totp_state', { enabled: true });
  const secret = new Secret({ size: 20 }).base32;
  await db
    .update(staffUsers)
    .set({ totpSecret: secret, totpEnabledAt: null, totpLastStep: null })
    .where(and(eq(staffUsers.id, user.id), isNull(staffUsers.totpEnabledAt)));
  return { secret, uri: totpFor(secret, user.email).toString() };
}

/**
 * Check a code for a signed-in member's own change (confirm, turn off). Guesses are throttled like logins,
 * per member: a stolen session cannot walk the million codes to turn two-factor off.
 */
async function checkOwnCode(
  db: Db,
  user: { id: string; email: string; totpSecret: string | null },
  code: string,
  ip: string,
) {
  const key = `totp:${user.id}`;
  await countAttempt(db, key, ip);
  if (!(await acceptCode(db, user, code))) throw new DomainError('staff.totp_code_wrong');
  await attemptSucceeded(db, key, ip);
}

/** Confirm the pending secret with a code from the app: two-factor sign-in is on from now. */
export async function confirmTotp(db: Db, actor: Principal, code: string, ip: string): Promise<void> {
  const { user } = await ownRow(db, actor);
  if (user.totpEnabledAt || !user.totpSecret)
    throw new DomainError('staff.totp_state', { enabled: !!user.totpEnabledAt });
  await checkOwnCode(db, user, code, ip);
  await db.update(staffUsers).set({ totpEnabledAt: new Date() }).where(eq(staffUsers.id, user.id));
}

/** Turn two-factor sign-in off with a current code; refused while the owner requires it of this role. */
export async function disableTotp(db: Db, actor: Principal, code: string, ip: string): Promise<void> {
  const { me, user } = await ownRow(db, actor);
  if (!user.totpEnabledAt) throw new DomainError('staff.totp_state', { enabled: false });
  const policy = await readSecurityPolicy(db);
  if (policy.requireTotpFor.includes(me.role)) throw new DomainError('staff.totp_required_by_role');
  await checkOwnCode(db, user, code, ip);
  await db
    .update(staffUsers)
    .set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null })
    .where(eq(staffUsers.id, user.id));
}

/** Whether this member has two-factor on, and whether her role requires it. */
export async function totpStatus(db: Executor, staffId: string, role: string) {
  const [user] = await db
    .select({ enabledAt: staffUsers.totpEnabledAt, secret: staffUsers.totpSecret })
    .from(staffUsers)
    .where(eq(staffUsers.id, staffId));
  const policy = await readSecurityPolicy(db);
  return {
    enabled: !!user?.enabledAt,
    required: policy.requireTotpFor.some((r) => r === role),
  };
}
