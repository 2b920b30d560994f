import { sql, type SQL } from 'drizzle-orm';
import { query, type Executor } from './db/connection.ts';
import { prebuilt } from './db/prepared.ts';
import { DomainError } from './errors.ts';
import { loginAttempts } from './db/platform-schema.ts';

/**
 * Guessing protection shared by staff and customer logins, reset and presence codes, PINs and the guest
 * order lookup. Every attempt is counted **before** its secret is checked, in the one statement that also
 * reads the counts (an upsert that locks each counter row), so parallel guesses cannot slip through together.
 *
 * Counters per attempt, in 15-minute windows:
 *   - the account at this address (5 free checks): after them, each further check first waits a delay that
 *     doubles (1 s, 2 s, 4 s … at most 15 min). An attempt inside the delay is counted and refused (429 with
 *     Retry-After) without a check. The delay stops the attacker's address, not the account, so nobody who
 *     knows a colleague's e-mail can keep her out: she signs in from her own address meanwhile. The counter
 *     starts afresh a whole window after its last delay ended;
 *   - the address (50): one address walking many accounts (a hard limit until the window ends);
 *   - logins only (`account: true`): the account from any address (10 checks). Past it a right password is not
 *     enough: the caller asks for a code e-mailed to her (platform/login-proof.ts), so guesses spread over
 *     many addresses cannot go on, and the real user still gets in.
 * A success clears the account's counter at that address and gives the address (and the account) its attempt back.
 *
 * Keys are namespaced by the caller (`customer:…`, `reset:…`, `pin:…`) so one kind cannot lock out another.
 * The address is the route's `request.ip`: behind a load balancer that is the client's only with
 * TRUST_PROXY set — otherwise every request comes from the balancer and shares one address counter.
 */
export const THROTTLE = {
  perPair: 5,
  perAddress: 50,
  perAccount: 10,
  windowMinutes: 15,
  firstDelaySeconds: 1,
  maxDelaySeconds: 15 * 60,
} as const;

/** Where an attempt stands after it was counted (and let through). */
export interface AttemptStanding {
  /** The account's checked attempts in its window, from every address (logins only; 0 otherwise). */
  accountAttempts: number;
  /** When the account's window began: one notice to her per window. */
  accountWindow: Date | undefined;
  /** Past the account-wide limit: a password alone is not enough, an e-mailed code must come with it. */
  proofRequired: boolean;
}

const ids = (key: string, address: string) => ({
  pair: `pair:${key}|${address}`,
  addr: `addr:${address}`,
  acct: `acct:${key}`,
});

/** The delay before the check after `n` checks (0 while n is under the free checks). */
export function delaySeconds(n: number): number {
  if (n < THROTTLE.perPair) return 0;
  return Math.min(THROTTLE.firstDelaySeconds * 2 ** (n - THROTTLE.perPair), THROTTLE.maxDelaySeconds);
}

/**
 * How many checks one account at one address can have in a burst lasting `ms`: the free ones, and one more
 * each time a delay has run out. (100 parallel guesses on a slow database may outlast the first second.)
 */
export function checksAllowedWithin(ms: number): number {
  let allowed = THROTTLE.perPair;
  for (let spent = delaySeconds(allowed) * 1000; spent <= ms; spent += delaySeconds(allowed) * 1000) allowed++;
  return allowed;
}

const window = sql.raw(`interval '${THROTTLE.windowMinutes} minutes'`);
/** A counter whose window lapsed (and whose last delay ended a whole window ago) starts afresh. */
const lapsedAfterDelays = sql`c.window_start < now() - ${window} AND coalesce(c.blocked_until, '-infinity') < now() - ${window}`;
const lapsedWindow = sql`c.window_start < now() - ${window}`;
const secondsUntil = (at: SQL) => sql`greatest(ceil(extract(epoch FROM ${at} - now())), 1)::int`;

/**
 * Count this attempt, then refuse it (auth.too_many_attempts, 429, `retryAfterSeconds`) when its account at
 * this address is inside a delay or the address is over its limit. With `account: true` (logins) the attempt
 * also counts for the account from every address, and the answer says whether a code must come with it.
 * With `wall: true` (a 4-digit PIN: too small a space for growing delays) the fifth check stops checks until
 * the window ends.
 */
export async function countAttempt(
  db: Executor,
  key: string,
  address: string,
  opts: { account?: boolean; wall?: boolean } = {},
): Promise<AttemptStanding> {
  const id = ids(key, address);
  const lapsed = opts.wall ? lapsedWindow : lapsedAfterDelays;
  const blocked = sql`(NOT (${lapsed}) AND coalesce(c.blocked_until > now(), false))`;
  const checked = sql`(CASE WHEN ${lapsed} THEN 1 WHEN ${blocked} THEN c.checked ELSE c.checked + 1 END)`;
  // 2^(n − 5) s from the fifth check on: set by the attempt let through, before its check, so parallel
  // attempts behind it find the delay already standing.
  const delay = sql`least(${THROTTLE.firstDelaySeconds} * power(2, ${checked} - ${THROTTLE.perPair}), ${THROTTLE.maxDelaySeconds})`;
  const account = opts.account
    ? sql`, acct AS (
        INSERT INTO login_attempts AS c (key, window_start, count, checked, last_at)
        SELECT ${id.acct}, now(), 1, 1, now() FROM pair, addr WHERE NOT pair.refused AND addr.count <= ${THROTTLE.perAddress}
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN c.window_start < now() - ${window} THEN 1 ELSE c.count + 1 END,
          checked = CASE WHEN c.window_start < now() - ${window} THEN 1 ELSE c.checked + 1 END,
          window_start = CASE WHEN c.window_start < now() - ${window} THEN now() ELSE c.window_start END,
          last_at = now()
        RETURNING checked, window_start)`
    : sql`, acct AS (SELECT 0 AS checked, NULL::timestamptz AS window_start WHERE false)`;
  const [row] = await query<{
    refused: boolean;
    pair_wait: number | null;
    addr_count: number;
    addr_wait: number;
    account_checked: number | null;
    account_window: Date | string | null;
  }>(
    db,
    sql`WITH pair AS (
          INSERT INTO login_attempts AS c (key, window_start, count, checked, last_at)
          VALUES (${id.pair}, now(), 1, 1, now())
          ON CONFLICT (key) DO UPDATE SET
            count = CASE WHEN ${lapsed} THEN 1 ELSE c.count + 1 END,
            checked = ${checked},
            refused = ${blocked},
            blocked_until = CASE
              WHEN ${lapsed} THEN NULL
              WHEN ${blocked} THEN c.blocked_until
              WHEN ${checked} >= ${THROTTLE.perPair} THEN ${opts.wall ? sql`c.window_start + ${window}` : sql`now() + ${delay} * interval '1 second'`}
              ELSE c.blocked_until END,
            window_start = CASE WHEN ${lapsed} THEN now() ELSE c.window_start END,
            last_at = now()
          RETURNING refused, blocked_until),
        addr AS (
          INSERT INTO login_attempts AS c (key, window_start, count, checked, last_at)
          VALUES (${id.addr}, now(), 1, 1, now())
          ON CONFLICT (key) DO UPDATE SET
            count = CASE WHEN c.window_start < now() - ${window} THEN 1 ELSE c.count + 1 END,
            window_start = CASE WHEN c.window_start < now() - ${window} THEN now() ELSE c.window_start END,
            last_at = now()
          RETURNING count, window_start)
        ${account}
        SELECT pair.refused,
               CASE WHEN pair.refused THEN ${secondsUntil(sql`pair.blocked_until`)} END AS pair_wait,
               addr.count AS addr_count,
               ${secondsUntil(sql`addr.window_start + ${window}`)} AS addr_wait,
               acct.checked AS account_checked,
               acct.window_start AS account_window
          FROM pair CROSS JOIN addr LEFT JOIN acct ON true`,
  );
  if (!row) throw new Error('login_attempts: the counting statement returned nothing');
  const waits = [
    row.refused ? Number(row.pair_wait) : 0,
    Number(row.addr_count) > THROTTLE.perAddress ? Number(row.addr_wait) : 0,
  ];
  const wait = Math.max(...waits);
  if (wait > 0) throw tooMany(wait);
  const accountAttempts = Number(row.account_checked ?? 0);
  return {
    accountAttempts,
    accountWindow: row.account_window ? new Date(row.account_window) : undefined,
    proofRequired: accountAttempts > THROTTLE.perAccount,
  };
}

function tooMany(retryAfterSeconds: number): DomainError {
  return new DomainError('auth.too_many_attempts', {
    retryAfterSeconds,
    retryAfterMinutes: Math.ceil(retryAfterSeconds / 60),
  });
}

/**
 * The attempt was right: the account starts afresh at that address, and the address gets this attempt back.
 * For a login (`account: true`) the account-wide counter gives it back too, or starts afresh when she proved
 * herself with the e-mailed code (`proved`).
 */
export async function attemptSucceeded(
  db: Executor,
  key: string,
  address: string,
  opts: { account?: boolean; proved?: boolean } = {},
): Promise<void> {
  const id = ids(key, address);
  const statement = opts.proved ? succeededProved : opts.account ? succeededLogin : succeeded;
  await statement(db, id);
}

// The three resets in one statement each (built once): a login's success is on the member's way in.
const pairAndAddress = sql`pair AS (DELETE FROM login_attempts WHERE key = ${sql.placeholder('pair')}),
  addr AS (UPDATE login_attempts SET count = greatest(count - 1, 0) WHERE key = ${sql.placeholder('addr')})`;
const succeeded = prebuilt<never, 'pair' | 'addr' | 'acct'>(sql`WITH ${pairAndAddress} SELECT 1`);
const succeededLogin = prebuilt<never, 'pair' | 'addr' | 'acct'>(
  sql`WITH ${pairAndAddress}
      UPDATE login_attempts SET checked = greatest(checked - 1, 0), count = greatest(count - 1, 0)
       WHERE key = ${sql.placeholder('acct')}`,
);
const succeededProved = prebuilt<never, 'pair' | 'addr' | 'acct'>(
  sql`WITH ${pairAndAddress} DELETE FROM login_attempts WHERE key = ${sql.placeholder('acct')}`,
);

/** The account-wide counter's row id (its e-mailed code lives on it). */
export const accountCounterId = (key: string) => ids(key, '').acct;

/** The row id of the account's counter at one address (the one its delays stand on). */
export const pairCounterId = (key: string, address: string) => ids(key, address).pair;

/** Forget counters idle for a day. */
export async function purgeLoginFailures(db: Executor): Promise<void> {
  await db.delete(loginAttempts).where(sql`${loginAttempts.lastAt} < now() - interval '1 day'`);
}
