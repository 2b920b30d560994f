import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import type { CustomerPrincipal } from '../../platform/auth.ts';
import { recordConsents } from './consents.ts';
import { customerIdentifiers } from './schema.ts';

/** What LINE Login needs, handed in by server.ts: the channel, LINE's origins, and our signing secret. */
export interface LineLoginOptions {
  channelId: string | undefined;
  channelSecret: string | undefined;
  /** The authorize page's origin (https://access.line.me; a local double in tests). */
  authorizeUrl: string;
  /** Token endpoint's origin (https://api.line.me). */
  apiUrl: string;
  /** Signs the state (the server's secret). */
  secret: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** A linking started more than this long ago is refused: she starts again. */
const STATE_TTL_MS = 10 * 60_000;
const ISSUER = 'https://access.line.me';

interface State {
  /** her customer id, a part of her session's token hash, the nonce, marketing ticked, expiry (ms) */
  c: string;
  s: string;
  n: string;
  m: boolean;
  e: number;
}

const sign = (secret: string, payload: string) =>
  createHmac('sha256', secret).update(`line-login:${payload}`).digest('base64url');

function sameBytes(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function configured(opts: LineLoginOptions): { channelId: string; channelSecret: string } {
  if (!opts.channelId || !opts.channelSecret) throw new DomainError('customer.line_login_not_configured', {});
  return { channelId: opts.channelId, channelSecret: opts.channelSecret };
}

/** The session a state is bound to: her session's token hash (a bearer session always has one). */
const sessionOf = (p: CustomerPrincipal) => (p.tokenHash ?? '').slice(0, 32);

/**
 * Start linking: LINE's authorize URL with a state signed for her and this session (10 minutes) and a nonce
 * that the ID token must carry back. `marketing`: she ticked 「LINEでお知らせを受け取る」.
 */
export function lineAuthorizeUrl(
  opts: LineLoginOptions,
  p: CustomerPrincipal,
  input: { redirectUri: string; marketing: boolean },
): string {
  const { channelId } = configured(opts);
  const st: State = {
    c: p.customerId,
    s: sessionOf(p),
    n: randomBytes(16).toString('base64url'),
    m: input.marketing,
    e: Date.now() + STATE_TTL_MS,
  };
  const payload = Buffer.from(JSON.stringify(st)).toString('base64url');
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: channelId,
    redirect_uri: input.redirectUri,
    state: `${payload}.${sign(opts.secret, payload)}`,
    scope: 'profile openid',
    nonce: st.n,
    bot_prompt: 'aggressive', // offer to add the official account as a friend on the same screen
  });
  return `${opts.authorizeUrl.replace(/\/$/, '')}/oauth2/v2.1/authorize?${q}`;
}

function readState(opts: LineLoginOptions, p: CustomerPrincipal, state: string): State {
  const [payload, mac] = state.split('.');
  if (!payload || !mac || !sameBytes(mac, sign(opts.secret, payload)))
    throw new DomainError('customer.line_state_invalid', {});
  const st = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as State;
  if (st.c !== p.customerId || st.s !== sessionOf(p) || st.e < Date.now())
    throw new DomainError('customer.line_state_invalid', {});
  return st;
}

/** Trade the code for tokens at LINE (server to server, with a time limit). */
async function exchangeCode(opts: LineLoginOptions, code: string, redirectUri: string): Promise<string> {
  const { channelId, channelSecret } = configured(opts);
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(`${opts.apiUrl.replace(/\/$/, '')}/oauth2/v2.1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: channelId,
        client_secret: channelSecret,
      }).toString(),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
  } catch {
    throw new DomainError('customer.line_unreachable', {});
  }
  const body = (await res.json().catch(() => null)) as { id_token?: unknown } | null;
  if (!res.ok || typeof body?.id_token !== 'string') throw new DomainError('customer.line_login_failed', {});
  return body.id_token;
}

/**
 * The LINE user id (`sub`) of an ID token, once it is proven LINE's and ours: HS256 signed with the channel
 * secret (LINE's web login), issued by LINE for this channel, not expired, and carrying this linking's nonce.
 */
export function verifyIdToken(
  opts: Pick<LineLoginOptions, 'channelId' | 'channelSecret'>,
  idToken: string,
  nonce: string,
  now = Date.now(),
): string {
  const { channelId, channelSecret } = configured(opts as LineLoginOptions);
  const bad = () => new DomainError('customer.line_login_failed', {});
  const [head, body, mac] = idToken.split('.');
  if (!head || !body || !mac) throw bad();
  let header: { alg?: unknown };
  let claims: { iss?: unknown; aud?: unknown; exp?: unknown; nonce?: unknown; sub?: unknown };
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  // Only HS256: an "alg": "none" or a switched algorithm is refused before anything else is believed.
  if (header.alg !== 'HS256') throw bad();
  const expected = createHmac('sha256', channelSecret).update(`${head}.${body}`).digest('base64url');
  if (!sameBytes(mac, expected)) throw bad();
  if (claims.iss !== ISSUER || claims.aud !== channelId) throw bad();
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now) throw bad();
  if (typeof claims.nonce !== 'string' || !sameBytes(claims.nonce, nonce)) throw bad();
  if (typeof claims.sub !== 'string' || !/^U[0-9a-f]{32}$/.test(claims.sub)) throw bad();
  return claims.sub;
}

/**
 * Finish linking: check the state, trade the code, verify the ID token, and keep her LINE user id as her
 * 'line' identifier (replacing an earlier one of hers; 409 when another member has it). LINE marketing
 * consent is recorded only when she ticked it. The call to LINE happens before the transaction.
 */
export async function linkLine(
  db: Db,
  opts: LineLoginOptions,
  p: CustomerPrincipal,
  input: { code: string; state: string; redirectUri: string },
): Promise<{ linked: true; marketing: boolean }> {
  configured(opts);
  const st = readState(opts, p, input.state);
  const idToken = await exchangeCode(opts, input.code, input.redirectUri);
  const lineUserId = verifyIdToken(opts, idToken, st.n);
  await inTransaction(db, async (tx) => {
    const [mine] = await tx
      .select()
      .from(customerIdentifiers)
      .where(and(eq(customerIdentifiers.customerId, p.customerId), eq(customerIdentifiers.kind, 'line')));
    if (mine && mine.value !== lineUserId)
      await tx
        .delete(customerIdentifiers)
        .where(and(eq(customerIdentifiers.customerId, p.customerId), eq(customerIdentifiers.kind, 'line')));
    const [owner] = await tx
      .select({ customerId: customerIdentifiers.customerId })
      .from(customerIdentifiers)
      .where(and(eq(customerIdentifiers.kind, 'line'), eq(customerIdentifiers.value, lineUserId)))
      .for('update');
    if (owner && owner.customerId !== p.customerId)
      throw new DomainError('customer.identifier_taken', { kind: 'line', reasonKindJa: 'LINE アカウント' });
    // Two members racing for one LINE account: the primary key decides, the loser is told it is taken.
    if (!owner)
      await tx
        .insert(customerIdentifiers)
        .values({ kind: 'line', value: lineUserId, customerId: p.customerId })
        .onConflictDoNothing()
        .returning()
        .then((rows) => {
          if (!rows.length)
            throw new DomainError('customer.identifier_taken', { kind: 'line', reasonKindJa: 'LINE アカウント' });
        });
    if (st.m)
      await recordConsents(
        tx,
        p.customerId,
        [{ channel: 'line', purpose: 'marketing', granted: true }],
        `customer:${p.customerId}`,
        'line_login',
      );
  });
  return { linked: true, marketing: st.m };
}

/** Whether she has linked LINE. */
export async function lineLinked(db: Db, customerId: string): Promise<boolean> {
  const rows = await db
    .select({ v: customerIdentifiers.value })
    .from(customerIdentifiers)
    .where(and(eq(customerIdentifiers.customerId, customerId), eq(customerIdentifiers.kind, 'line')));
  return rows.length > 0;
}

/** Unlink: her 'line' identifier is removed and LINE marketing consent withdrawn (nothing could reach her there). */
export async function unlinkLine(db: Db, customerId: string): Promise<void> {
  await inTransaction(db, async (tx) => {
    const gone = await tx
      .delete(customerIdentifiers)
      .where(and(eq(customerIdentifiers.customerId, customerId), eq(customerIdentifiers.kind, 'line')))
      .returning();
    if (!gone.length) throw new DomainError('customer.line_not_linked', {});
    await recordConsents(
      tx,
      customerId,
      [{ channel: 'line', purpose: 'marketing', granted: false }],
      `customer:${customerId}`,
      'line_unlink',
    );
  });
}
