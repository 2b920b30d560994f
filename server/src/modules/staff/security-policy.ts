import { z } from 'zod';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { putSetting, settingValue } from '../../platform/db/settings.ts';
import { requireRole, staffRoles, type Principal } from '../../platform/auth.ts';

/** Where the owner's sign-in policy is kept: one JSON document in `settings`, shared by every app copy. */
export const SECURITY_SETTINGS_KEY = 'staff.security';

/**
 * The owner's sign-in policy. `requireTotpFor`: the roles that must sign in with a TOTP code. Empty by
 * default, so the demo's documented logins keep working; a role listed here whose member has not enrolled
 * yet may sign in but reaches only the enrolment routes until she has (see tokenResolver).
 */
export const securityPolicySchema = z.object({
  requireTotpFor: z
    .array(z.enum(staffRoles))
    .max(staffRoles.length)
    .default([])
    .transform((roles) => staffRoles.filter((r) => roles.includes(r))),
});
export type SecurityPolicy = z.output<typeof securityPolicySchema>;

export function parseSecurityPolicy(value: string | null | undefined): SecurityPolicy {
  return securityPolicySchema.parse(value ? JSON.parse(value) : {});
}

export async function readSecurityPolicy(db: Executor): Promise<SecurityPolicy> {
  return parseSecurityPolicy(await settingValue(db, SECURITY_SETTINGS_KEY));
}

/** The policy, for owner and head office (who see what the owner asked of them). */
export async function getSecurityPolicy(db: Db, actor: Principal): Promise<SecurityPolicy> {
  requireRole(actor, 'owner', 'hq');
  return readSecurityPolicy(db);
}

/** Replace the policy (owner only). Applies from the next request: sessions are checked each time. */
export async function putSecurityPolicy(
  db: Db,
  actor: Principal,
  input: z.input<typeof securityPolicySchema>,
): Promise<SecurityPolicy> {
  requireRole(actor, 'owner');
  const policy = securityPolicySchema.parse(input);
  await putSetting(db, SECURITY_SETTINGS_KEY, JSON.stringify(policy));
  return policy;
}
