import { randomBytes } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { inTransaction, sqlState } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { isChainWide, requireRole, type Principal, type StaffPrincipal, type StaffRole } from '../../platform/auth.ts';
import { hashPassword } from '../../platform/passwords.ts';
import { recordAudit } from '../../platform/audit.ts';
import { assertLocationsExist } from '../locations/service.ts';
import { staffLocations, staffUsers } from './schema.ts';
import { managedStaff } from './pins.ts';
import { endSessionsOf } from './sessions.ts';
import './problems.ts';

/**
 * Staff administration (スタッフ管理): create, change role and stores, deactivate. Who may grant what:
 *   - the owner: every role, every store;
 *   - head office: store roles (store_manager, staff) at any store;
 *   - a store manager: store roles at her own stores only, for the staff of her stores.
 * Nobody changes her own role or deactivates herself (another administrator does), so the last owner cannot
 * lock the business out by a slip. Every change is written to the audit trail in its transaction.
 */

export interface StaffAdminView {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  locationIds: string[];
  active: boolean;
  pinSet: boolean;
  totpEnabled: boolean;
}

const STORE_ROLES: readonly StaffRole[] = ['store_manager', 'staff'];

function forbidden(reason: string, reasonEn: string): DomainError {
  return new DomainError('platform.forbidden', { reason, reasonEn });
}

/** The roles this actor may give. */
export function grantableRoles(me: StaffPrincipal): StaffRole[] {
  return me.role === 'owner' ? ['owner', 'hq', 'store_manager', 'staff'] : [...STORE_ROLES];
}

function assertMayGrant(me: StaffPrincipal, role: StaffRole): void {
  if (!grantableRoles(me).includes(role))
    throw forbidden(
      'オーナーと本部の役割はオーナーだけが付与できます。',
      'Only an owner can give the owner and hq roles.',
    );
}

/** A store manager places staff only at her own stores. */
function assertMayPlace(me: StaffPrincipal, locationIds: readonly string[]): void {
  if (isChainWide(me)) return;
  const outside = locationIds.filter((l) => !me.locationIds.includes(l));
  if (outside.length)
    throw forbidden('担当店舗以外にはスタッフを配置できません。', 'You can place staff only at your own stores.');
}

function needsStore(role: StaffRole, locationIds: readonly string[]): void {
  if (STORE_ROLES.includes(role) && locationIds.length === 0)
    throw new DomainError('platform.validation', {}, [{ field: 'locationIds', message: 'store_needs_location' }]);
}

export interface NewStaff {
  email: string;
  name: string;
  /** Absent: a temporary password is made and answered once (`temporaryPassword`). */
  password?: string | undefined;
  role: StaffRole;
  locationIds: string[];
}

/**
 * Create a staff account (owner, hq, or a store manager for her stores). Without a password, one is made
 * up and given back once, for the manager to hand over; she changes it after signing in.
 */
export async function createStaff(
  db: Db,
  actor: Principal,
  input: NewStaff,
  id: string,
): Promise<StaffAdminView & { temporaryPassword?: string }> {
  const me = requireRole(actor, 'owner', 'hq', 'store_manager');
  assertMayGrant(me, input.role);
  const locationIds = [...new Set(input.locationIds)].sort();
  assertMayPlace(me, locationIds);
  needsStore(input.role, locationIds);
  const email = input.email.normalize('NFKC').trim().toLowerCase();
  const temporaryPassword = input.password ? undefined : randomBytes(9).toString('base64url');
  const passwordHash = await hashPassword(input.password ?? temporaryPassword!);
  try {
    const view = await inTransaction(db, async (tx) => {
      await assertLocationsExist(tx, locationIds);
      await tx.insert(staffUsers).values({ id, email, name: input.name, passwordHash, role: input.role });
      if (locationIds.length)
        await tx.insert(staffLocations).values(locationIds.map((locationId) => ({ staffId: id, locationId })));
      await recordAudit(tx, actor, {
        action: 'staff.created',
        subjectType: 'staff',
        subjectId: id,
        detail: { role: input.role, locationIds, temporaryPassword: !!temporaryPassword },
      });
      return adminView(tx, id);
    });
    return temporaryPassword ? { ...view, temporaryPassword } : view;
  } catch (err) {
    if (sqlState(err) === '23505') throw new DomainError('staff.email_taken', { email });
    throw err;
  }
}

async function adminViews(db: Executor, ids?: readonly string[]): Promise<StaffAdminView[]> {
  const users = ids
    ? await db
        .select()
        .from(staffUsers)
        .where(inArray(staffUsers.id, [...ids]))
    : await db.select().from(staffUsers);
  const links = ids
    ? await db
        .select()
        .from(staffLocations)
        .where(inArray(staffLocations.staffId, [...ids]))
    : await db.select().from(staffLocations);
  return users
    .map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
      active: u.active,
      pinSet: u.pinHash !== null,
      totpEnabled: u.totpEnabledAt !== null,
      locationIds: links
        .filter((l) => l.staffId === u.id)
        .map((l) => l.locationId)
        .sort(),
    }))
    .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}

async function adminView(db: Executor, id: string): Promise<StaffAdminView> {
  const [view] = await adminViews(db, [id]);
  if (!view) throw new DomainError('staff.not_found');
  return view;
}

/** Staff accounts with their stores, PIN and two-factor state; a store manager sees those of her own stores. */
export async function listStaff(db: Db, actor: Principal): Promise<StaffAdminView[]> {
  const me = requireRole(actor, 'owner', 'hq', 'store_manager');
  const views = await adminViews(db);
  if (me.role === 'store_manager') return views.filter((v) => v.locationIds.some((l) => me.locationIds.includes(l)));
  return views;
}

export interface StaffChange {
  name?: string | undefined;
  role?: StaffRole | undefined;
  /**
   * Her stores. From a store manager: which of the manager's own stores she works at (her other stores are
   * kept as they are); from head office or the owner: all of them.
   */
  locationIds?: string[] | undefined;
  active?: boolean | undefined;
}

/** Change a staff member's name, role, stores or whether she is active; deactivating ends her sessions. */
export async function updateStaff(db: Db, actor: Principal, id: string, change: StaffChange): Promise<StaffAdminView> {
  return inTransaction(db, async (tx) => {
    const { user, locationIds: before, me } = await managedStaff(tx, actor, id);
    // Head office looks after store roles; only the owner changes an owner's or head office's account.
    if (!grantableRoles(me).includes(user.role)) throw new DomainError('staff.not_found');
    const self = me.staffId === id;
    if (self && ((change.role && change.role !== user.role) || change.active === false))
      throw new DomainError('staff.self_change');
    const role = change.role ?? user.role;
    if (role !== user.role) assertMayGrant(me, role);
    let after = before;
    if (change.locationIds) {
      const wanted = [...new Set(change.locationIds)].sort();
      assertMayPlace(me, wanted);
      after = isChainWide(me) ? wanted : [...before.filter((l) => !me.locationIds.includes(l)), ...wanted].sort();
    }
    needsStore(role, after);
    await assertLocationsExist(tx, after);
    const name = change.name?.trim() || user.name;
    const active = change.active ?? user.active;
    await tx.update(staffUsers).set({ name, role, active }).where(eq(staffUsers.id, id));
    if (after.join() !== before.join()) {
      await tx.delete(staffLocations).where(eq(staffLocations.staffId, id));
      if (after.length)
        await tx.insert(staffLocations).values(after.map((locationId) => ({ staffId: id, locationId })));
    }
    const detail: Record<string, unknown> = {};
    if (name !== user.name) detail.name = { from: user.name, to: name };
    if (role !== user.role) detail.role = { from: user.role, to: role };
    if (after.join() !== before.join()) detail.locationIds = { from: before, to: after };
    if (Object.keys(detail).length)
      await recordAudit(tx, actor, { action: 'staff.updated', subjectType: 'staff', subjectId: id, detail });
    if (active !== user.active) {
      const sessionsEnded = active ? 0 : await endSessionsOf(tx, id);
      await recordAudit(tx, actor, {
        action: active ? 'staff.reactivated' : 'staff.deactivated',
        subjectType: 'staff',
        subjectId: id,
        detail: active ? {} : { sessionsEnded },
      });
    }
    return adminView(tx, id);
  });
}
