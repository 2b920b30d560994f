import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../../platform/errors.ts';

/**
 * The exit pass (出口パス) shown after paying:
 *
 *   G1.<orderId>.<expires>.<mac>
 *
 * expires = unix seconds in base 36; mac = HMAC-SHA256 over everything before it with a key derived from
 * the server secret (as the member QR's), truncated to 16 bytes, base64url. Short-lived (PASS_MINUTES):
 * a screenshot kept for another day is refused. No nonce: the app shows the same pass again after a
 * reload, and the database row says whether it was already used at the door.
 */
export const PASS_MINUTES = 15;
const FORMAT = /^G1\.([A-Za-z0-9_-]{1,64})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})$/;

export type ExitPassKey = Buffer & { readonly __exitPassKey: unique symbol };

/** A key for exit passes only, derived from the server secret. */
export function exitPassKey(secret: string): ExitPassKey {
  return createHmac('sha256', secret).update('musubi/exit-pass/v1').digest() as ExitPassKey;
}

const mac = (key: ExitPassKey, body: string) => createHmac('sha256', key).update(body).digest().subarray(0, 16);

/** The pass of an order, lapsing at `expiresAt`. */
export function signExitPass(key: ExitPassKey, orderId: string, expiresAt: Date): string {
  const body = `G1.${orderId}.${Math.floor(expiresAt.getTime() / 1000).toString(36)}`;
  return `${body}.${mac(key, body).toString('base64url')}`;
}

/** A scanned pass's order and deadline, once its mac is checked (constant time); anything else is pass_invalid. */
export function readExitPass(key: ExitPassKey, code: string): { orderId: string; expiresAt: Date } {
  const m = FORMAT.exec(code.trim());
  if (!m) throw new DomainError('scan_and_go.pass_invalid');
  const [, orderId, expires, given] = m as unknown as [string, string, string, string];
  const expected = mac(key, `G1.${orderId}.${expires}`);
  const actual = Buffer.from(given, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    throw new DomainError('scan_and_go.pass_invalid');
  return { orderId, expiresAt: new Date(parseInt(expires, 36) * 1000) };
}

/**
 * Whether this order's pass asks the clerk to look at the items: a draw seeded by the server's key and the
 * order id, so it is fixed when the pass is issued, the same on every replay, unguessable by the shopper,
 * and over many orders falls on `percent` % of them.
 */
export function pickedForCheck(key: ExitPassKey, orderId: string, percent: number): boolean {
  if (percent <= 0) return false;
  if (percent >= 100) return true;
  const draw = createHmac('sha256', key).update(`check:${orderId}`).digest().readUInt32BE(0) / 2 ** 32;
  return draw * 100 < percent;
}
