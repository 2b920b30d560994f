import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { deviceLabel } from './user-agent.ts';

/**
 * What staff and customer sessions share for 「ログイン中の端末」 (the account's list of signed-in devices):
 * the client recorded at sign-in, the public handle of a session, and the API shape of the list. Each
 * module keeps its own table and queries (staff/sessions.ts, customers/sessions.ts).
 */

/**
 * A session's last use is written at most every 5 minutes: the token's lookup reads whether it is due,
 * and only then one UPDATE guarded by the same test (two app copies do not both write). Never a write per request.
 */
export const seenLongAgo = (lastSeenAt: AnyColumn | SQL): SQL<boolean> =>
  sql<boolean>`${lastSeenAt} < now() - interval '5 minutes'`;

/** Hex characters of the token hash that name a session in the API: never the whole hash, never the token. */
export const HANDLE_LENGTH = 16;

/** The public handle of a session (its token hash's first 16 hex characters). */
export const sessionHandle = (tokenHash: string) => tokenHash.slice(0, HANDLE_LENGTH);

export const sessionHandleParam = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'invalid_format') });

/** Where a sign-in came from, as recorded on its session. */
export interface SessionClient {
  userAgent: string | null;
  ip: string | null;
}

const USER_AGENT_MAX = 300;

/** The client of a request, as kept on the session (the user agent cut to 300 characters). */
export function sessionClient(userAgent: string | undefined, ip: string | undefined): SessionClient {
  return { userAgent: userAgent ? userAgent.slice(0, USER_AGENT_MAX) : null, ip: ip || null };
}

export interface SessionRow {
  tokenHash: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

/** One session as its owner sees it; `current` is the one making the request. */
export function sessionView(row: SessionRow, currentHash: string | undefined) {
  return {
    id: sessionHandle(row.tokenHash),
    current: row.tokenHash === currentHash,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    userAgent: row.userAgent,
    device: deviceLabel(row.userAgent),
    ip: row.ip,
  };
}

export const sessionListSchema = z.object({
  items: z.array(
    z.object({
      id: z.string().describe('An opaque handle for DELETE …/sessions/{id}'),
      current: z.boolean().describe('The session making this request'),
      createdAt: z.string(),
      lastSeenAt: z.string().describe('Last use, to within 5 minutes'),
      expiresAt: z.string(),
      userAgent: z.string().nullable(),
      device: z.string().nullable().describe('"Chrome · Windows", "Safari · iPhone"; null when not recognised'),
      ip: z.string().nullable(),
    }),
  ),
});

export const keepQuery = z.object({
  keep: z.enum(['current']).optional().describe('`current`: end every session but this one'),
});

export const revokedSchema = z.object({ revoked: z.number().int() });
