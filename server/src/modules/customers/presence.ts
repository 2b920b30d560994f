/**
 * Presence: proof that the member is at the till, asked before anyone spends her value there (wallet,
 * points, a coupon counted against her). A plastic card or a member number only names her — anyone can
 * read it off a receipt — so it earns, never spends. Proof is one of:
 *   - member_code: the app's rotating signed QR, resolved once at this till (clienteling);
 *   - pin: her 暗証番号, set in her account, typed by her on the till's keypad;
 *   - code: a 6-digit code sent to her e-mail now, read out or typed by her.
 * Each gives a presence token: signed with the member-code key, bound to her, the store and the clerk,
 * valid 15 minutes (one visit). The till sends it with the sale; the services check it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { enqueue } from '../../platform/outbox.ts';
import { attemptSucceeded, countAttempt } from '../../platform/login-throttle.ts';
import { hashPassword, verifyPassword } from '../../platform/passwords.ts';
import type { MemberCodeKey } from './member-code.ts';
import { consumeCode, issueCode } from './one-time-codes.ts';
import { customerIdentifiers, customers } from './schema.ts';

export const presenceMethods = ['member_code', 'pin', 'code'] as const;
export type PresenceMethod = (typeof presenceMethods)[number];

export const PRESENCE_MINUTES = 15;
const CODE_MINUTES = 5;

/** Where and before whom she proved she is there. */
export interface PresenceScope {
  customerId: string;
  locationId: string;
  staffId: string;
}

export interface Presence {
  token: string;
  method: PresenceMethod;
  expiresAt: string;
}

const sign = (key: MemberCodeKey, body: string) =>
  createHmac('sha256', key).update(`presence|${body}`).digest('base64url');

export function issuePresence(
  key: MemberCodeKey,
  scope: PresenceScope,
  method: PresenceMethod,
  now = Date.now(),
): Presence {
  const expiresAt = new Date(now + PRESENCE_MINUTES * 60_000);
  const body = Buffer.from(
    JSON.stringify({ c: scope.customerId, l: scope.locationId, s: scope.staffId, m: method, e: expiresAt.getTime() }),
  ).toString('base64url');
  return { token: `${body}.${sign(key, body)}`, method, expiresAt: expiresAt.toISOString() };
}

/**
 * The method she proved presence with, when `token` is genuine, hers, for this store and clerk and
 * unexpired; otherwise customer.presence_required (403), which tells the clerk how to ask for it.
 */
export function verifyPresence(
  key: MemberCodeKey,
  token: string | null | undefined,
  scope: PresenceScope,
  now = Date.now(),
): PresenceMethod {
  const refuse = () => new DomainError('customer.presence_required', { customerId: scope.customerId });
  if (!token) throw refuse();
  const [body, mac] = token.split('.');
  if (!body || !mac) throw refuse();
  const expected = Buffer.from(sign(key, body));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw refuse();
  let claims: { c?: unknown; l?: unknown; s?: unknown; m?: unknown; e?: unknown };
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    throw refuse();
  }
  const fits =
    claims.c === scope.customerId &&
    claims.l === scope.locationId &&
    claims.s === scope.staffId &&
    typeof claims.e === 'number' &&
    claims.e > now &&
    presenceMethods.includes(claims.m as PresenceMethod);
  if (!fits) throw refuse();
  return claims.m as PresenceMethod;
}

/** PINs are 4 to 6 digits (full-width digits from a Japanese IME are accepted). */
export function normalizePin(pin: string): string | null {
  const digits = pin.normalize('NFKC').trim();
  return /^\d{4,6}$/.test(digits) ? digits : null;
}

/** She sets (or changes) her till PIN from her account. */
export async function setPin(db: Db, customerId: string, pin: string): Promise<void> {
  const normalized = normalizePin(pin);
  if (!normalized) throw new DomainError('platform.validation', {}, [{ field: 'pin', message: 'invalid_pin' }]);
  const pinHash = await hashPassword(normalized);
  await db
    .update(customers)
    .set({ pinHash, updatedAt: sql`now()` })
    .where(eq(customers.id, customerId));
}

export async function clearPin(db: Db, customerId: string): Promise<void> {
  await db
    .update(customers)
    .set({ pinHash: null, updatedAt: sql`now()` })
    .where(eq(customers.id, customerId));
}

export async function hasPin(db: Db, customerId: string): Promise<boolean> {
  const [row] = await db.select({ pinHash: customers.pinHash }).from(customers).where(eq(customers.id, customerId));
  return !!row?.pinHash;
}

/**
 * Her PIN, typed at the till: five wrong PINs in 15 minutes stop PIN checks for her (the other proofs
 * still work, and nothing else of hers is locked), and fifty stop this clerk's guessing at anyone.
 */
export async function provePresenceByPin(
  db: Db,
  key: MemberCodeKey,
  scope: PresenceScope,
  pin: string,
): Promise<Presence> {
  // One counter for her PIN whichever clerk asks: five wrong in 15 minutes pause PIN checks for her.
  const account = `pin:${scope.customerId}`;
  await countAttempt(db, account, account, { wall: true }); // counted before the check, so parallel guesses cannot outrun it
  const [row] = await db
    .select({ pinHash: customers.pinHash })
    .from(customers)
    .where(eq(customers.id, scope.customerId));
  if (!row?.pinHash) throw new DomainError('customer.pin_not_set', { customerId: scope.customerId });
  const normalized = normalizePin(pin);
  if (!normalized || !(await verifyPassword(normalized, row.pinHash)))
    throw new DomainError('customer.pin_wrong', { customerId: scope.customerId });
  await attemptSucceeded(db, account, account);
  return issuePresence(key, scope, 'pin');
}

/** Send her a 6-digit presence code by e-mail (valid 5 minutes), naming the store that asks. */
export async function sendPresenceCode(
  db: Db,
  scope: PresenceScope & { storeName: string },
): Promise<{ sentTo: string; validMinutes: number }> {
  const account = `presence-code:${scope.customerId}`;
  await countAttempt(db, account, `presence-code-staff:${scope.staffId}`); // every request counts
  const [email] = await db
    .select({ value: customerIdentifiers.value })
    .from(customerIdentifiers)
    .where(and(eq(customerIdentifiers.customerId, scope.customerId), eq(customerIdentifiers.kind, 'email')));
  if (!email) throw new DomainError('customer.no_email', { customerId: scope.customerId });
  await inTransaction(db, async (tx) => {
    const code = await issueCode(tx, scope.customerId, 'presence', CODE_MINUTES);
    await enqueue(tx, {
      channel: 'email',
      recipient: email.value,
      template: 'presence_code',
      payload: { code, validMinutes: CODE_MINUTES, storeName: scope.storeName },
    });
  });
  return { sentTo: maskEmail(email.value), validMinutes: CODE_MINUTES };
}

/** The code she received, typed at the till: used once. */
export async function provePresenceByCode(
  db: Db,
  key: MemberCodeKey,
  scope: PresenceScope,
  code: string,
): Promise<Presence> {
  const ok = await inTransaction(db, (tx) => consumeCode(tx, scope.customerId, 'presence', code));
  if (!ok) throw new DomainError('customer.presence_code_invalid', { customerId: scope.customerId });
  return issuePresence(key, scope, 'code');
}

/** h***@example.jp: enough for her to know where to look, not enough for the clerk to learn her address. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}
