import { useSyncExternalStore } from 'react';
import { useSessionFrom } from '../api/client';
import type { Customer, CustomerSession } from '../api/types';

/**
 * The signed-in shopper. Her session is an HttpOnly cookie lasting its 90 days; her phone is her own, so
 * what the page keeps of it (who she is, and the session's CSRF token — nothing to sign in with) lives in
 * localStorage. The store's staff session is separate and never mixed with it.
 */
const KEY = 'musubi.customer';
const listeners = new Set<() => void>();

function load(): CustomerSession | null {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? 'null') as CustomerSession | null;
    // One kept from before cookie sessions (a token, no CSRF token) means signing in again.
    return s?.csrfToken && new Date(s.expiresAt).getTime() > Date.now() ? s : null;
  } catch {
    return null;
  }
}

let current: CustomerSession | null = load();
let expired = false;

function set(next: CustomerSession | null) {
  current = next;
  try {
    if (next) localStorage.setItem(KEY, JSON.stringify(next));
    else localStorage.removeItem(KEY);
  } catch {
    /* private mode: signed in for this page only */
  }
  listeners.forEach((l) => l());
}

export function customerSignIn(session: CustomerSession) {
  expired = false;
  set(session);
}

export function customerSignOut() {
  set(null);
}

/** The profile changed (PATCH /api/account): keep the stored copy in step. */
export function updateStoredCustomer(customer: Customer) {
  if (current) set({ ...current, customer });
}

export function customerSessionExpired(): boolean {
  return expired;
}

export function useCustomerSession(): CustomerSession | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}

useSessionFrom(
  () => current?.csrfToken ?? null,
  () => {
    if (!current) return;
    expired = true;
    set(null);
  },
  'customer',
);
