import { newIdempotencyKey } from './api/client';

const KEY = 'musubi.device';
let memo: string | null = null;

/**
 * This browser's device id: made once and kept in localStorage. Anonymous browsing is recorded under it,
 * and sign-up or login sends it so that browsing joins the member's timeline (ID連携). In private mode it
 * lasts for the page only, which is all the shopper asked for.
 */
export function deviceId(): string {
  if (memo) return memo;
  try {
    const stored = localStorage.getItem(KEY);
    if (stored && /^[\w.:-]{8,128}$/.test(stored)) return (memo = stored);
    memo = `web-${newIdempotencyKey()}`;
    localStorage.setItem(KEY, memo);
  } catch {
    memo ??= `web-${newIdempotencyKey()}`;
  }
  return memo;
}
