import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Executor, Tx } from '../../platform/db/connection.ts';
import { prebuilt } from '../../platform/db/prepared.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { enqueue } from '../../platform/outbox.ts';
import type { Principal } from '../../platform/auth.ts';
import { seenLongAgo, type SessionClient } from '../../platform/sessions.ts';
import { attemptSucceeded, countAttempt } from '../../platform/login-throttle.ts';
import { noticeFailures, requireEmailCode, spendEmailCode } from '../../platform/login-proof.ts';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../../platform/passwords.ts';
import { customers, customerSessions } from './schema.ts';
import { consumeCode, issueCode } from './one-time-codes.ts';
import { normalizeEmail } from './normalize.ts';
import { createCustomer, customerByEmail, customerView, linkDevice, type CustomerView } from './service.ts';
import { noteSessionSeen } from './sessions.ts';
import './problems.ts';

const SESSION_DAYS = 90;
const RESET_CODE_MINUTES = 30;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface Registration {
  email: string;
  password: string;
  name: string;
  nameKana?: string | undefined;
  phone?: string | undefined;
  birthday?: string | undefined;
  deviceId?: string | undefined;
}

const unknownClient: SessionClient = { userAgent: null, ip: null };

export interface Session {
  token: string;
  expiresAt: Date;
  customer: CustomerView;
}

async function openSession(
  tx: Executor,
  customerId: string,
  deviceId: string | null,
  client: SessionClient,
): Promise<{ token: string; expiresAt: Date }> {
  const token = `mct_${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86400_000);
  await tx.insert(customerSessions).values({ tokenHash: sha256(token), customerId, deviceId, expiresAt, ...client });
  return { token, expiresAt };
}

/** Sign up: a customer with a member number, e-mail (and phone) identifiers, and a session. */
export async function register(db: Db, input: Registration, client = unknownClient): Promise<Session> {
  const passwordHash = await hashPassword(input.password);
  return inTransaction(db, async (tx) => {
    const customerId = await createCustomer(tx, { ...input, passwordHash, source: 'customer' });
    if (input.deviceId) await linkDevice(tx, customerId, input.deviceId);
    const session = await openSession(tx, customerId, input.deviceId ?? null, client);
    return { ...session, customer: await customerView(tx, customerId) };
  });
}

/**
 * Log in with e-mail and password (throttled like staff logins, and like them asking for a code e-mailed to
 * her, `emailCode`, once her account has had too many attempts). With a device id, everything that
 * device did before (and sends later) joins this person's timeline.
 */
export async function login(
  db: Db,
  input: { email: string; password: string; deviceId?: string | undefined; emailCode?: string | undefined; ip: string },
  client = unknownClient,
): Promise<Session> {
  const email = normalizeEmail(input.email) ?? input.email.normalize('NFKC').trim().toLowerCase();
  const key = `customer:${email}`;
  const standing = await countAttempt(db, key, `customer:${input.ip}`, { account: true });
  const found = await customerByEmail(db, email);
  const ok = await verifyPassword(input.password, found?.passwordHash ?? DUMMY_HASH);
  const account = found ? { key, email, app: 'customer' as const } : undefined;
  const passwordOk = !!found && ok && found.view.status === 'active';
  if (standing.proofRequired) {
    await requireEmailCode(db, { account, passwordOk, code: input.emailCode, standing });
  } else if (!passwordOk) {
    if (account) await noticeFailures(db, account, standing);
    throw new DomainError('auth.invalid_credentials');
  }
  if (!found) throw new DomainError('auth.invalid_credentials'); // (proven above; for the type checker)
  if (standing.proofRequired) await spendEmailCode(db, key, input.emailCode ?? '');
  const succeeded = (tx: Executor) =>
    attemptSucceeded(tx, key, `customer:${input.ip}`, { account: true, proved: standing.proofRequired });
  const customer = found.view;
  if (input.deviceId) {
    const deviceId = input.deviceId;
    return inTransaction(db, async (tx) => {
      await succeeded(tx);
      await linkDevice(tx, customer.id, deviceId);
      return { ...(await openSession(tx, customer.id, deviceId, client)), customer };
    });
  }
  // Without a device, the counters' reset and the session are independent writes: side by side.
  const [, session] = await Promise.all([succeeded(db), openSession(db, customer.id, null, client)]);
  return { ...session, customer };
}

export async function logout(db: Db, token: string): Promise<void> {
  await db
    .update(customerSessions)
    .set({ revokedAt: sql`now()` })
    .where(eq(customerSessions.tokenHash, sha256(token)));
}

/** End every session of a customer (deletion, password reset). */
export async function revokeAllSessions(tx: Executor, customerId: string): Promise<void> {
  await tx
    .update(customerSessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(customerSessions.customerId, customerId), isNull(customerSessions.revokedAt)));
}

/**
 * mct_ tokens → a customer principal (only while the session is live and the customer active). The
 * session's last use is read with it and written only when more than 5 minutes old.
 */
/** A member's session by its token's hash, with her status: built once, run on every request she makes. */
const sessionByHash = prebuilt<
  { customerId: string; deviceId: string | null; status: string; seenLongAgo: boolean },
  'hash'
>(
  // Column names as written in the database: a statement built once goes through no casing.
  sql`SELECT c.id AS "customerId", s.device_id AS "deviceId", c.status,
             ${seenLongAgo(sql`s.last_seen_at`)} AS "seenLongAgo"
        FROM customer_sessions s JOIN customers c ON c.id = s.customer_id
       WHERE s.token_hash = ${sql.placeholder('hash')} AND s.revoked_at IS NULL AND s.expires_at > now()`,
);

export function customerTokenResolver(db: Db) {
  return async (token: string): Promise<Principal | undefined> => {
    if (!token.startsWith('mct_')) return undefined;
    const hash = sha256(token);
    const [row] = await sessionByHash(db, { hash });
    if (!row || row.status !== 'active') return undefined;
    if (row.seenLongAgo) await noteSessionSeen(db, hash);
    return { kind: 'customer', customerId: row.customerId, deviceId: row.deviceId, tokenHash: hash };
  };
}

/**
 * Ask for a password-reset code. The answer is the same whether or not the e-mail is known (no account
 * discovery); a known one gets a 6-digit code through the outbox, valid 30 minutes.
 */
export async function requestPasswordReset(db: Db, emailInput: string, ip: string): Promise<void> {
  const email = normalizeEmail(emailInput);
  if (!email) return;
  await countAttempt(db, `reset:${email}`, `reset:${ip}`); // every request counts, not only failures
  const found = await customerByEmail(db, email);
  if (!found || found.view.status !== 'active') return;
  await inTransaction(db, async (tx) => {
    const code = await issueCode(tx, found.view.id, 'password_reset', RESET_CODE_MINUTES);
    await enqueue(tx, {
      channel: 'email',
      recipient: email,
      template: 'password_reset',
      payload: { code, validMinutes: RESET_CODE_MINUTES },
    });
  });
}

/** Set a new password with the code; every other session ends. Five wrong codes burn the code. */
export async function resetPassword(
  db: Db,
  input: { email: string; code: string; password: string },
  client = unknownClient,
): Promise<Session> {
  const email = normalizeEmail(input.email);
  const found = email ? await customerByEmail(db, email) : undefined;
  const passwordHash = await hashPassword(input.password);
  const invalid = () => new DomainError('customer.reset_code_invalid');
  if (!found) throw invalid();
  const result = await inTransaction(db, async (tx: Tx) => {
    if (!(await consumeCode(tx, found.view.id, 'password_reset', input.code))) return null;
    await tx
      .update(customers)
      .set({ passwordHash, updatedAt: sql`now()` })
      .where(eq(customers.id, found.view.id));
    await revokeAllSessions(tx, found.view.id);
    const session = await openSession(tx, found.view.id, null, client);
    return { ...session, customer: await customerView(tx, found.view.id) };
  });
  if (!result) throw invalid();
  return result;
}
