import { useSyncExternalStore } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, call } from './api/client';
import { updateStoredCustomer, useCustomerSession } from './customer/session';
import { useLocations } from './locations';
import type { Location } from './api/types';

/**
 * マイストア: the store she chose once — kept in this browser, and for a member on her record as her home
 * store, so it follows her to another device. Used by the shop's stock filter and badges, the home's
 * 「在庫あり」 row, and as the pickup default. Before she chooses, a member's home store stands in.
 */
const KEY = 'musubi.myStore';
const CHANGED = 'musubi:my-store';

function read(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

function subscribe(listener: () => void) {
  window.addEventListener('storage', listener);
  window.addEventListener(CHANGED, listener);
  return () => {
    window.removeEventListener('storage', listener);
    window.removeEventListener(CHANGED, listener);
  };
}

function keep(id: string | null) {
  try {
    if (id) localStorage.setItem(KEY, id);
    else localStorage.removeItem(KEY);
  } catch {
    /* private mode: chosen for this page only */
  }
  window.dispatchEvent(new Event(CHANGED));
}

/** Her store's id, or null before she has one. */
export function useMyStoreId(): string | null {
  const local = useSyncExternalStore(subscribe, read);
  const member = useCustomerSession();
  return local ?? member?.customer.homeLocationId ?? null;
}

/** Her store (from the public list of locations), or null. */
export function useMyStore(): Location | null {
  const id = useMyStoreId();
  const locations = useLocations();
  return (id && locations.data?.find((l) => l.id === id && l.kind === 'store')) || null;
}

/** Choose her store: kept here at once, and on her record when she is signed in. */
export function useChooseMyStore() {
  const member = useCustomerSession();
  return useMutation({
    mutationFn: async (locationId: string) => {
      keep(locationId);
      if (member) updateStoredCustomer(await call(api.PUT('/api/account/home-store', { body: { locationId } })));
      return locationId;
    },
  });
}
