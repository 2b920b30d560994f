import { useEffect, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import type { ClientelingCard } from '../../shared/api/types';
import { resolveBodyFor } from '../MemberScanScreen';

/** A presence token: proof she is at this till, for this clerk, for one visit (15 minutes). */
export type Presence = NonNullable<ClientelingCard['presence']>;
export type PresenceMethod = Presence['method'];

/** What the server promises for a token; the till never keeps one longer. */
const PRESENCE_MS = 15 * 60_000;

export interface HeldPresence extends Presence {
  customerId: string;
  /** When the till stops using it, on this till's clock. */
  until: number;
}

/**
 * The server's expiresAt moved onto this till's clock. The token was issued a moment ago, so an expiry
 * that is already past or more than 15 minutes off only tells that the clocks disagree: then 15 minutes.
 */
function localExpiry(expiresAt: string, now = Date.now()): number {
  const left = Date.parse(expiresAt) - now;
  return left > 0 && left <= PRESENCE_MS ? now + left : now + PRESENCE_MS;
}

/**
 * The member's presence at the till (customers/presence.ts on the server): the token from resolving her
 * app's QR, or from her PIN or an e-mailed code, held for her until it expires. `on.resolved` takes the
 * card of a re-scanned QR (it replaces the member on the till); `on.proved` hears of each new token.
 */
export function usePresence(
  locationId: string,
  member: ClientelingCard | null,
  on: { resolved: (card: ClientelingCard) => void; proved: () => void },
) {
  const [held, setHeld] = useState<HeldPresence | null>(null);
  const customerId = member?.customer.id ?? null;
  /** The token, only while it is hers and unexpired. */
  const presence = held && held.customerId === customerId ? held : null;

  const hold = (p: Presence | null, forCustomer: string) => {
    setHeld(p ? { ...p, customerId: forCustomer, until: localExpiry(p.expiresAt) } : null);
    if (p) on.proved();
  };
  const drop = () => setHeld(null);

  useEffect(() => {
    if (!held) return;
    const id = setTimeout(() => setHeld(null), Math.max(0, held.until - Date.now()));
    return () => clearTimeout(id);
  }, [held]);

  const scope = () => ({ locationId, customerId: customerId! });

  const rescan = useMutation({
    mutationFn: (raw: string) => call(api.POST('/api/member-codes/resolve', { body: resolveBodyFor(raw, locationId) })),
    onSuccess: (card) => on.resolved(card),
  });
  const byPin = useMutation({
    mutationFn: (pin: string) => call(api.POST('/api/member-presence', { body: { ...scope(), pin } })),
    onSuccess: (p) => hold(p, customerId!),
  });
  const sendCode = useMutation({
    mutationFn: () => call(api.POST('/api/member-presence/code', { body: scope() })),
  });
  const byCode = useMutation({
    mutationFn: (code: string) => call(api.POST('/api/member-presence', { body: { ...scope(), code } })),
    onSuccess: (p) => hold(p, customerId!),
  });

  /** Forget the attempts of an earlier member or basket. */
  const reset = () => {
    drop();
    rescan.reset();
    byPin.reset();
    sendCode.reset();
    byCode.reset();
  };

  return { presence, hold, drop, reset, rescan, byPin, sendCode, byCode };
}

export type TillPresence = ReturnType<typeof usePresence>;
