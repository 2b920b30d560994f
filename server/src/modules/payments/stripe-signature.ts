import { createHmac, timingSafeEqual } from 'node:crypto';

/** How old a webhook's timestamp may be (Stripe's libraries' default): an older one is a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload">` for a payload (the double signs with it). */
export function stripeSignature(payload: string | Buffer, secret: string, at = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', secret).update(`${at}.`).update(payload).digest('hex');
  return `t=${at},v1=${mac}`;
}

/**
 * Whether a webhook body is Stripe's: one of the header's v1 signatures matches the HMAC of `t.payload`
 * (compared in constant time), and t is within the tolerance of now. The raw bytes, not re-serialised JSON.
 */
export function stripeSignatureValid(
  payload: Buffer,
  header: string | undefined,
  secret: string,
  opts: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t)) return false;
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (opts.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) return false;
  const want = createHmac('sha256', secret).update(`${t}.`).update(payload).digest();
  return parts.some(([k, v]) => {
    if (k !== 'v1' || !v || !/^[0-9a-f]{64}$/.test(v)) return false;
    return timingSafeEqual(Buffer.from(v, 'hex'), want);
  });
}
