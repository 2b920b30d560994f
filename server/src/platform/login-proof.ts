import { createHash, randomInt } from 'node:crypto';
import { and, eq, gt, isNotNull, lt, sql } from 'drizzle-orm';
import type { Executor } from './db/connection.ts';
import { loginAttempts, outbox } from './db/platform-schema.ts';
import { DomainError } from './errors.ts';
import { accountCounterId, THROTTLE, type AttemptStanding } from './login-throttle.ts';

/**
 * What a login past the account-wide limit needs besides the password: a 6-digit code e-mailed to the
 * account's own address (no CAPTCHA). And the notice that tells her someone is trying.
 *
 * The code lives on the account's counter row (login_attempts, `acct:<key>`): it exists exactly while the
 * counter asks for it, is erased and purged with it, and serves staff and customers alike. Only its hash is
 * kept; it is good for CODE_MINUTES, once, and five wrong tries burn it (a new one comes with the password).
 *
 * The answers never tell a guesser whether her password was right: past the limit, a password without a
 * code always answers `auth.email_code_required` (the code is sent only when the password was right), and
 * a wrong code or a wrong password with a code both answer `auth.email_code_invalid`.
 */
export const CODE_MINUTES = 10;
const CODE_TRIES = 5;

const digest = (key: string, code: string) => createHash('sha256').update(`login:${key}:${code}`).digest('hex');

/** Mails go to her login address: staff and customers both sign in with their e-mail. */
export interface LoginAccount {
  /** The throttle key the login counts under (`customer:<e-mail>`, or the staff e-mail). */
  key: string;
  email: string;
  /** Which sign-in: the mail says where to go. */
  app: 'staff' | 'customer';
}

/**
 * Past the account-wide limit, decide the attempt with the e-mailed code; `passwordOk` says whether the
 * rest of the login (account found, active, password right) held. Throws unless the code is right; the
 * caller then goes on as after a right password (TOTP for staff), spends the code (`spendEmailCode`) and
 * clears with `proved: true`. The code is spent only then, so a staff member asked for her TOTP code next
 * sends the same e-mailed code again. `account` is undefined for an e-mail nobody signs in with: the
 * answers are the same.
 */
export async function requireEmailCode(
  db: Executor,
  input: {
    account: LoginAccount | undefined;
    passwordOk: boolean;
    code: string | undefined;
    standing: AttemptStanding;
  },
): Promise<void> {
  const { account, passwordOk, code } = input;
  if (!code) {
    if (account && passwordOk) await sendCode(db, account);
    else if (account) await noticeFailures(db, account, input.standing);
    throw new DomainError('auth.email_code_required', { validMinutes: CODE_MINUTES });
  }
  if (!account || !passwordOk) {
    if (account) await noticeFailures(db, account, input.standing);
    throw new DomainError('auth.email_code_invalid');
  }
  if (!(await checkCode(db, account.key, code))) throw new DomainError('auth.email_code_invalid');
}

/** Spend the code that let this login through: once, even for two sign-ins racing with it. */
export async function spendEmailCode(db: Executor, key: string, given: string): Promise<void> {
  const used = await db
    .update(loginAttempts)
    .set({ codeHash: null, codeExpiresAt: null })
    .where(and(liveCode(key), eq(loginAttempts.codeHash, digest(key, normalizeCode(given)))))
    .returning({ key: loginAttempts.key });
  if (!used.length) throw new DomainError('auth.email_code_invalid');
}

/** A new code for her (any earlier one stops working), queued to her address; sent after this statement commits. */
async function sendCode(db: Executor, account: LoginAccount): Promise<void> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const id = accountCounterId(account.key);
  const mail = {
    channel: 'email',
    recipient: account.email,
    template: 'login_code',
    payload: { code, validMinutes: CODE_MINUTES, app: account.app },
  };
  // One statement: the code is stored and its mail queued together, or neither.
  await db.execute(sql`WITH stored AS (
      UPDATE login_attempts SET code_hash = ${digest(account.key, code)},
             code_expires_at = now() + ${sql.raw(`interval '${CODE_MINUTES} minutes'`)}, code_attempts = 0
       WHERE key = ${id} RETURNING key)
    INSERT INTO outbox (channel, recipient, template, payload)
    SELECT ${mail.channel}, ${mail.recipient}, ${mail.template}, ${JSON.stringify(mail.payload)}::jsonb FROM stored`);
}

const normalizeCode = (given: string) => given.normalize('NFKC').replace(/\s/g, '');

/** Her pending code: unexpired and not burnt. */
const liveCode = (key: string) =>
  and(
    eq(loginAttempts.key, accountCounterId(key)),
    isNotNull(loginAttempts.codeHash),
    gt(loginAttempts.codeExpiresAt, sql`now()`),
    lt(loginAttempts.codeAttempts, CODE_TRIES),
  );

/** Whether the code is her pending one; a wrong one counts against it (five burn it). */
async function checkCode(db: Executor, key: string, given: string): Promise<boolean> {
  const [right] = await db
    .select({ key: loginAttempts.key })
    .from(loginAttempts)
    .where(and(liveCode(key), eq(loginAttempts.codeHash, digest(key, normalizeCode(given)))));
  if (right) return true;
  await db
    .update(loginAttempts)
    .set({ codeAttempts: sql`${loginAttempts.codeAttempts} + 1` })
    .where(liveCode(key));
  return false;
}

/**
 * Tell her, once per window of the account-wide counter, that sign-ins to her account keep failing: from
 * the failure that reaches the limit on. The outbox's dedupe key makes it once, however many copies race.
 */
export async function noticeFailures(db: Executor, account: LoginAccount, standing: AttemptStanding): Promise<void> {
  if (standing.accountAttempts < THROTTLE.perAccount || !standing.accountWindow) return;
  const who = createHash('sha256').update(account.key).digest('hex').slice(0, 32);
  await db
    .insert(outbox)
    .values({
      channel: 'email',
      recipient: account.email,
      template: 'login_attempts_notice',
      payload: { failures: standing.accountAttempts, at: new Date().toISOString(), app: account.app },
      dedupeKey: `login_notice:${who}:${standing.accountWindow.toISOString()}`,
    })
    .onConflictDoNothing();
}
