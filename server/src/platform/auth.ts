import { DomainError } from './errors.ts';

export const staffRoles = ['owner', 'hq', 'store_manager', 'staff'] as const;
export type StaffRole = (typeof staffRoles)[number];

/** Who is calling. Services receive it and check what it may do (not only the routes). */
export type Principal =
  | { kind: 'anonymous' }
  | {
      kind: 'staff';
      staffId: string;
      name: string;
      role: StaffRole;
      locationIds: string[];
      bootstrap?: boolean;
      /**
       * Her role requires two-factor sign-in and she has not enrolled: the session reaches only the routes
       * marked `totpEnrolment` (who am I, enrolment, logout) until she has (platform/http/app.ts).
       */
      totpEnrolmentRequired?: boolean;
      /** SHA-256 of the session's token (absent for the bootstrap token): which session is "this device". */
      tokenHash?: string;
      /**
       * Set when the caller is an integration's API token acting as this staff member: what its scopes
       * allow (platform/api-scopes.ts), within what she may do.
       */
      apiToken?: { id: string; scopes: readonly string[] };
    }
  | {
      kind: 'customer';
      customerId: string;
      deviceId: string | null;
      /** SHA-256 of the session's token: which session is "this device". */
      tokenHash?: string;
    };

export type StaffPrincipal = Extract<Principal, { kind: 'staff' }>;
export type CustomerPrincipal = Extract<Principal, { kind: 'customer' }>;

export const anonymous: Principal = { kind: 'anonymous' };

export function requireStaff(p: Principal): StaffPrincipal {
  if (p.kind === 'customer')
    throw new DomainError('platform.forbidden', {
      reason: 'この操作はスタッフ専用です。',
      reasonEn: 'Only staff can do this.',
    });
  if (p.kind !== 'staff') throw new DomainError('platform.unauthorized');
  return p;
}

/** A signed-in customer (their own data only). */
export function requireCustomer(p: Principal): CustomerPrincipal {
  if (p.kind === 'customer') return p;
  if (p.kind === 'staff')
    throw new DomainError('platform.forbidden', {
      reason: '会員としてログインしてください。',
      reasonEn: 'Sign in as a customer.',
    });
  throw new DomainError('platform.unauthorized');
}

export function requireRole(p: Principal, ...roles: StaffRole[]): StaffPrincipal {
  const staff = requireStaff(p);
  if (!roles.includes(staff.role)) {
    throw new DomainError('platform.forbidden', {
      reason: `この操作には ${roles.join(' / ')} の権限が必要です。`,
      reasonEn: `This needs the role ${roles.join(' or ')}.`,
    });
  }
  return staff;
}

/** True for roles that act in every location (owner, head office). */
export function isChainWide(p: StaffPrincipal): boolean {
  return p.role === 'owner' || p.role === 'hq';
}

/** A store role acts only in its own locations; owner and hq act everywhere. */
export function assertCanActAt(p: Principal, locationId: string): StaffPrincipal {
  const staff = requireStaff(p);
  if (isChainWide(staff) || staff.locationIds.includes(locationId)) return staff;
  throw new DomainError('platform.forbidden', {
    reason: `店舗 ${locationId} では操作できません（担当店舗のみ）。`,
    reasonEn: `You can act only in your own locations, not in ${locationId}.`,
    locationId,
  });
}

export function actorId(p: Principal): string | null {
  return p.kind === 'staff' ? p.staffId : null;
}

/** How an actor is written in audit rows: a staff id, `customer:<id>`, or `anonymous`. */
export function auditActor(p: Principal): string {
  return p.kind === 'staff' ? p.staffId : p.kind === 'customer' ? `customer:${p.customerId}` : 'anonymous';
}
