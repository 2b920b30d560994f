import { useSyncExternalStore } from 'react';
import { useSessionFrom } from './api/client';
import type { Login } from './api/types';

/**
 * The signed-in staff member. The session itself is an HttpOnly cookie that ends with the browser; what
 * this tab keeps (sessionStorage: it survives a reload, not closing the tab, which suits a shared till) is
 * who signed in and the session's CSRF token — nothing a stolen script could sign in with.
 */
export type Session = Login;

const KEY = 'musubi.session';
const listeners = new Set<() => void>();

function load(): Session | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    // One kept from before cookie sessions (a token, no CSRF token) means signing in again.
    return s?.csrfToken && new Date(s.expiresAt).getTime() > Date.now() ? s : null;
  } catch {
    return null;
  }
}

let current: Session | null = load();
/** Set when the server stopped accepting the token, so the login screen can say why. */
let expired = false;

function set(next: Session | null) {
  current = next;
  if (next) sessionStorage.setItem(KEY, JSON.stringify(next));
  else sessionStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

export function signIn(session: Session) {
  expired = false;
  set(session);
}

export function signOut() {
  set(null);
}

export function sessionExpired(): boolean {
  return expired;
}

export function useSession(): Session | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}

function currentCsrf(): string | null {
  return current?.csrfToken ?? null;
}

/** owner and hq act in every location; store roles only in theirs. */
export function isChainWide(session: Session): boolean {
  return session.staff.role === 'owner' || session.staff.role === 'hq';
}

useSessionFrom(currentCsrf, () => {
  if (!current) return;
  expired = true;
  set(null);
});
