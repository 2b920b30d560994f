import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { requireRole, type Principal, type StaffPrincipal } from '../../platform/auth.ts';
import { apiScopes, requireScope, type ApiScope } from '../../platform/api-scopes.ts';
import { apiTokens, staffLocations, staffUsers } from './schema.ts';
import './problems.ts';

/**
 * API tokens (API トークン) for integrations: the owner creates one with its scopes, sees it once, and
 * revokes it when the integration ends. Only the token's SHA-256 is kept, so a stolen database does not
 * give working tokens; the screen tells them apart by name and their last four characters.
 */

export const API_TOKEN_PREFIX = 'mat_';
const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export interface ApiTokenView {
  id: string;
  name: string;
  /** `mat_…abcd`: enough to recognise a token in a partner's settings, not to use it. */
  hint: string;
  scopes: ApiScope[];
  createdBy: string;
  createdByName: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** Only the owner manages tokens, signed in as herself: never with a token, nor the operator's bootstrap token. */
function requireOwnerSession(actor: Principal): StaffPrincipal {
  const owner = requireRole(actor, 'owner');
  requireScope(owner, undefined);
  if (owner.bootstrap)
    throw new DomainError('platform.forbidden', {
      reason:
        'API トークンはオーナーのアカウントでログインして作成してください（ブートストラップトークンでは作成できません）。',
      reasonEn: 'Sign in with an owner account to create API tokens (not with the bootstrap token).',
    });
  return owner;
}

/** A new token with these scopes, acting as the owner who creates it; the token itself is answered this once. */
export async function createApiToken(
  db: Db,
  actor: Principal,
  input: { name: string; scopes: ApiScope[] },
): Promise<ApiTokenView & { token: string }> {
  const owner = requireOwnerSession(actor);
  const scopes = apiScopes.filter((s) => input.scopes.includes(s));
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = newId('tok');
  const [row] = await db
    .insert(apiTokens)
    .values({
      id,
      staffId: owner.staffId,
      name: input.name.normalize('NFKC').trim(),
      tokenHash: hashOf(token),
      hint: `${API_TOKEN_PREFIX}…${token.slice(-4)}`,
      scopes,
    })
    .returning();
  return { ...view({ ...row!, staffName: owner.name }), token };
}

/** The live tokens, newest first, with their last use (to within a minute). */
export async function listApiTokens(db: Db, actor: Principal): Promise<ApiTokenView[]> {
  requireOwnerSession(actor);
  const rows = await db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      hint: apiTokens.hint,
      scopes: apiTokens.scopes,
      staffId: apiTokens.staffId,
      staffName: staffUsers.name,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
    })
    .from(apiTokens)
    .innerJoin(staffUsers, eq(staffUsers.id, apiTokens.staffId))
    .where(isNull(apiTokens.revokedAt))
    .orderBy(desc(apiTokens.createdAt), apiTokens.id);
  return rows.map(view);
}

/** Revoke a token: refused from its next request on (404 for one unknown or already revoked). */
export async function revokeApiToken(db: Db, actor: Principal, id: string): Promise<void> {
  const owner = requireOwnerSession(actor);
  const ended = await db
    .update(apiTokens)
    .set({ revokedAt: sql`now()`, revokedBy: owner.staffId })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  if (!ended.length) throw new DomainError('staff.api_token_not_found');
}

function view(r: {
  id: string;
  name: string;
  hint: string;
  scopes: string[];
  staffId: string;
  staffName: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}): ApiTokenView {
  return {
    id: r.id,
    name: r.name,
    hint: r.hint,
    scopes: r.scopes as ApiScope[],
    createdBy: r.staffId,
    createdByName: r.staffName,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
  };
}

/**
 * The principal behind an API token, or undefined when it is unknown, revoked, or its creator is
 * deactivated. It is the creator as she is now (her current role and stores: demoted, the token is too)
 * with the token's scopes. The last use is written only when the one on record is over a minute old —
 * read in the same statement — so a busy integration costs at most one write a minute, not one a request.
 */
export async function resolveApiToken(db: Db, token: string): Promise<StaffPrincipal | undefined> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
  const hash = hashOf(token);
  const rows = await db
    .select({
      id: apiTokens.id,
      scopes: apiTokens.scopes,
      staffId: staffUsers.id,
      name: staffUsers.name,
      role: staffUsers.role,
      active: staffUsers.active,
      locationId: staffLocations.locationId,
      stale: sql<boolean>`(${apiTokens.lastUsedAt} IS NULL OR ${apiTokens.lastUsedAt} < now() - interval '1 minute')`,
    })
    .from(apiTokens)
    .innerJoin(staffUsers, eq(staffUsers.id, apiTokens.staffId))
    .leftJoin(staffLocations, eq(staffLocations.staffId, staffUsers.id))
    .where(and(eq(apiTokens.tokenHash, hash), isNull(apiTokens.revokedAt)));
  const first = rows[0];
  if (!first || !first.active) return undefined;
  if (first.stale) await noteTokenUsed(db, first.id);
  return {
    kind: 'staff',
    staffId: first.staffId,
    name: first.name,
    role: first.role,
    locationIds: rows.map((r) => r.locationId).filter((x): x is string => !!x),
    apiToken: { id: first.id, scopes: first.scopes },
  };
}

/** Stamp the last use; guarded, so copies resolving the same token at once write it once. */
async function noteTokenUsed(db: Executor, id: string): Promise<void> {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(apiTokens.id, id),
        sql`(${apiTokens.lastUsedAt} IS NULL OR ${apiTokens.lastUsedAt} < now() - interval '1 minute')`,
      ),
    );
}
