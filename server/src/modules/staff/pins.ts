import { and, asc, eq } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { assertCanActAt, isChainWide, requireStaff, type Principal } from '../../platform/auth.ts';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../../platform/passwords.ts';
import { attemptSucceeded, countAttempt } from '../../platform/login-throttle.ts';
import { recordAudit } from '../../platform/audit.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import type { SessionClient } from '../../platform/sessions.ts';
import { staffLocations, staffUsers } from './schema.ts';
import { endSession, openSession } from './sessions.ts';
import './problems.ts';

/**
 * Till PINs (担当切替): at a till already signed in at a store, a clerk picks her name from the store's list
 * and types her 4–6 digit PIN; the till's session becomes hers, so the sales it rings are hers.
 *
 * Guessing: a PIN has at most a million values, so wrong ones are walled, not slowed. Every attempt is
 * counted before it is checked (platform/login-throttle.ts): five checks per staff member in 15 minutes from
 * any till, then her switch stops until the window ends (429 `staff.pin_locked`); and 50 per device address
 * over all names, so one till cannot walk the whole list. A name not on the store's list (unknown, another
 * store's, deactivated) is answered exactly like a wrong PIN, after a hash check of the same cost.
 */

/** A till session lasts a shift, not the 14 days of a password login. */
export const PIN_SESSION_MS = 12 * 3600_000;

/** 4–6 digits (full-width digits from a Japanese IME are accepted); null when it is not. */
export function normalizeStaffPin(pin: string): string | null {
  const digits = pin.normalize('NFKC').trim();
  return /^\d{4,6}$/.test(digits) ? digits : null;
}

/** One digit repeated (0000) or a straight run up or down (1234, 123456, 9876): the first guesses anyone tries. */
export function isWeakPin(pin: string): boolean {
  const d = [...pin].map(Number);
  const steps = new Set(d.slice(1).map((x, i) => x - d[i]!));
  return steps.size === 1 && [0, 1, -1].includes([...steps][0]!);
}

const badPin = (message: string) => new DomainError('platform.validation', {}, [{ field: 'pin', message }]);

/**
 * She sets (or changes) her own till PIN, proving it is her with her password: at a shared till someone
 * else could be standing at her session. Only an scrypt hash is kept, as for passwords.
 */
export async function setMyPin(db: Db, actor: Principal, input: { pin: string; password: string; ip: string }) {
  const me = requireStaff(actor);
  if (me.bootstrap)
    throw new DomainError('platform.forbidden', {
      reason: '起動用トークンには暗証番号を設定できません。',
      reasonEn: 'The bootstrap token has no PIN.',
    });
  const pin = normalizeStaffPin(input.pin);
  if (!pin) throw badPin('invalid_pin');
  if (isWeakPin(pin)) throw badPin('weak_pin');
  const key = `pin-set:${me.staffId}`;
  await countAttempt(db, key, input.ip);
  const [user] = await db
    .select({ hash: staffUsers.passwordHash })
    .from(staffUsers)
    .where(eq(staffUsers.id, me.staffId));
  if (!user || !(await verifyPassword(input.password, user.hash)))
    throw new DomainError('platform.validation', {}, [{ field: 'password', message: 'wrong_password' }]);
  await attemptSucceeded(db, key, input.ip);
  const pinHash = await hashPassword(pin);
  await inTransaction(db, async (tx) => {
    await tx.update(staffUsers).set({ pinHash }).where(eq(staffUsers.id, me.staffId));
    await recordAudit(tx, actor, { action: 'staff.pin_set', subjectType: 'staff', subjectId: me.staffId });
  });
}

/**
 * A staff member her manager may look after: a store manager those of her own stores (store roles only),
 * head office and the owner everyone. Anyone else is told she does not exist.
 */
export async function managedStaff(db: Executor, actor: Principal, staffId: string) {
  const me = requireStaff(actor);
  if (me.role === 'staff')
    throw new DomainError('platform.forbidden', {
      reason: 'この操作には店長以上の権限が必要です。',
      reasonEn: 'This needs a store manager, head office or the owner.',
    });
  const [user] = await db.select().from(staffUsers).where(eq(staffUsers.id, staffId));
  if (!user) throw new DomainError('staff.not_found');
  const locationIds = (
    await db.select({ id: staffLocations.locationId }).from(staffLocations).where(eq(staffLocations.staffId, staffId))
  )
    .map((l) => l.id)
    .sort();
  if (!isChainWide(me)) {
    const mine = locationIds.some((l) => me.locationIds.includes(l));
    if (!mine || user.role === 'owner' || user.role === 'hq') throw new DomainError('staff.not_found');
  }
  return { user, locationIds, me };
}

/** A manager clears a staff member's PIN (forgotten, or seen by someone): she sets a new one herself. */
export async function resetPin(db: Db, actor: Principal, staffId: string): Promise<void> {
  await inTransaction(db, async (tx) => {
    const { user } = await managedStaff(tx, actor, staffId);
    await tx.update(staffUsers).set({ pinHash: null }).where(eq(staffUsers.id, user.id));
    await recordAudit(tx, actor, {
      action: 'staff.pin_reset',
      subjectType: 'staff',
      subjectId: user.id,
      detail: { hadPin: user.pinHash !== null },
    });
  });
}

/** The store's active staff a till can switch to, by name, with whether each has a PIN (anyone at the store). */
export async function tillOperators(db: Executor, actor: Principal, locationId: string) {
  assertCanActAt(actor, locationId);
  const rows = await db
    .select({ id: staffUsers.id, name: staffUsers.name, pinHash: staffUsers.pinHash })
    .from(staffUsers)
    .innerJoin(staffLocations, eq(staffLocations.staffId, staffUsers.id))
    .where(and(eq(staffLocations.locationId, locationId), eq(staffUsers.active, true)))
    .orderBy(asc(staffUsers.name), asc(staffUsers.id));
  return rows.map((r) => ({ id: r.id, name: r.name, pinSet: r.pinHash !== null }));
}

function locked(err: unknown): never {
  if (err instanceof DomainError && err.code === 'auth.too_many_attempts')
    throw new DomainError('staff.pin_locked', err.params);
  throw err;
}

/**
 * 担当切替: the till signed in at `locationId` becomes `staffId`'s, if her PIN is right and she is active
 * and works at that store. The till's previous session ends (one device, one operator); the new one lasts
 * a shift. Counted before checked, so parallel guesses never get more than five checks.
 */
export async function switchOperator(
  db: Db,
  actor: Principal,
  input: { locationId: string; staffId: string; pin: string; ip: string; client?: SessionClient },
): Promise<{ token: string; expiresAt: Date; staffId: string }> {
  const till = assertCanActAt(actor, input.locationId);
  const key = `staff-pin:${input.staffId}`;
  // Her own wall of five first, then the device (50 guesses over all names). In this order the device's
  // count of her (its pair counter) sees only the attempts her wall let through, so it never adds a delay.
  await countAttempt(db, key, key, { wall: true }).catch(locked);
  await countAttempt(db, key, `staff-pin@${input.ip}`).catch(locked);
  const [user] = await db
    .select({ id: staffUsers.id, pinHash: staffUsers.pinHash })
    .from(staffUsers)
    .innerJoin(staffLocations, eq(staffLocations.staffId, staffUsers.id))
    .where(
      and(
        eq(staffUsers.id, input.staffId),
        eq(staffUsers.active, true),
        eq(staffLocations.locationId, input.locationId),
      ),
    );
  if (user && !user.pinHash) throw new DomainError('staff.pin_not_set');
  const pin = normalizeStaffPin(input.pin);
  const ok = await verifyPassword(pin ?? '', user?.pinHash ?? DUMMY_HASH);
  if (!user || !pin || !ok) throw new DomainError('staff.pin_wrong');
  await attemptSucceeded(db, key, key);
  await attemptSucceeded(db, key, `staff-pin@${input.ip}`);
  return inTransaction(db, async (tx) => {
    if (till.tokenHash) await endSession(tx, till.tokenHash);
    const session = await openSession(tx, user.id, PIN_SESSION_MS, input.client);
    return { ...session, staffId: user.id };
  });
}
