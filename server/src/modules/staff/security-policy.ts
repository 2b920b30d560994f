import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { settings } from '../../platform/db/platform-schema.ts';
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
  const [row] = await db
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, SECURITY_SETTINGS_KEY));
  return parseSecurityPolicy(row?.value);
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
  const value = JSON.stringify(policy);
  await db
    .insert(settings)
    .values({ key: SECURITY_SETTINGS_KEY, value })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: sql`now()` } });
  return policy;
}
