import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../../platform/errors.ts';
import './problems.ts';

/**
 * The app's rotating member QR (会員証):
 *
 *   M1.<customerId>.<window>.<nonce>.<mac>
 *
 * window = floor(unix seconds / 30) in base 36; nonce = 6 random bytes (base64url) so that two codes
 * fetched in the same window differ (a clerk who scans twice gets a fresh code, not a "used" one);
 * mac = HMAC-SHA256 over everything before it, with a key derived from the server secret, truncated to
 * 16 bytes, base64url. About 70 ASCII characters: a version-5 QR at the "M" error-correction level.
 *
 * A code is accepted during its own window and the next one (30–60 s of life, enough for a phone
 * held up to a slow scanner and for a little clock drift between app copies) and only once: the resolve
 * records the mac, and a second resolve of the same code is 409.
 */
export const WINDOW_SECONDS = 30;
const VERSION = 'M1';
const MAC_BYTES = 16;
const FORMAT = /^M1\.([A-Za-z0-9_-]{1,64})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{8})\.([A-Za-z0-9_-]{22})$/;

export type MemberCodeKey = Buffer & { readonly __memberCodeKey: unique symbol };

/** A key for member codes only, derived from the server secret (which also signs other things). */
export function memberCodeKey(secret: string): MemberCodeKey {
  return createHmac('sha256', secret).update('musubi/member-code/v1').digest() as MemberCodeKey;
}

const windowOf = (ms: number) => Math.floor(ms / 1000 / WINDOW_SECONDS);
const mac = (key: MemberCodeKey, body: string) =>
  createHmac('sha256', key).update(body).digest().subarray(0, MAC_BYTES);

export interface IssuedCode {
  code: string;
  /** After this the code is refused. */
  expiresAt: Date;
  /** When the app should fetch the next one (the window turns). */
  refreshAt: Date;
}

/** A fresh member code for a customer at time `now` (tests pass an old `now` to get an expired code). */
export function issueMemberCode(key: MemberCodeKey, customerId: string, now = Date.now()): IssuedCode {
  const window = windowOf(now);
  const body = `${VERSION}.${customerId}.${window.toString(36)}.${randomBytes(6).toString('base64url')}`;
  return {
    code: `${body}.${mac(key, body).toString('base64url')}`,
    expiresAt: new Date((window + 2) * WINDOW_SECONDS * 1000),
    refreshAt: new Date((window + 1) * WINDOW_SECONDS * 1000),
  };
}

export interface VerifiedCode {
  customerId: string;
  /** The code's mac (base64url): what marks it as used. */
  mac: string;
}

/**
 * Check a scanned code: its mac (constant-time), then its window. A wrong or altered code is
 * member_code.invalid; a genuine one from an earlier window is member_code.expired.
 */
export function verifyMemberCode(key: MemberCodeKey, code: string, now = Date.now()): VerifiedCode {
  const m = FORMAT.exec(code.trim());
  if (!m) throw new DomainError('member_code.invalid');
  const [, customerId, windowText, , given] = m as unknown as [string, string, string, string, string];
  const body = code.trim().slice(0, -(given.length + 1));
  const expected = mac(key, body);
  const actual = Buffer.from(given, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    throw new DomainError('member_code.invalid');
  const window = parseInt(windowText, 36);
  const current = windowOf(now);
  // One window of grace each way: the previous for a slow scan, the next for an app copy whose clock runs ahead.
  if (window < current - 1) throw new DomainError('member_code.expired');
  if (window > current + 1) throw new DomainError('member_code.invalid');
  return { customerId, mac: given };
}
