import { useEffect, useSyncExternalStore } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCustomerSession } from './customer/session';
import { api, ApiError, call } from './api/client';
import { nearParam, useShopperPosition } from './position';
import { track } from './track';

/**
 * お気に入り. A member's are hers on the server (GET /api/account/favourites); a shopper who is not signed in
 * keeps hers in this browser, like her guest cart, and they join the member's at login
 * (POST /api/account/favourites/join, then forgotten here).
 */
const KEY = 'musubi.favourites';
/** As many as a member may keep (the server's limit); the browser keeps no more either. */
const MAX_KEPT = 500;
const listeners = new Set<() => void>();
let memo: readonly string[] = [];
let memoRaw: string | null | undefined;

function readGuest(): readonly string[] {
  try {
    const raw = localStorage.getItem(KEY);
    if (raw === memoRaw) return memo;
    memoRaw = raw;
    const ids = JSON.parse(raw ?? '[]') as unknown;
    memo = Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string').slice(0, MAX_KEPT) : [];
  } catch {
    /* private mode or nothing usable: this page's only */
  }
  return memo;
}

function writeGuest(ids: readonly string[]) {
  memo = ids;
  try {
    if (ids.length) localStorage.setItem(KEY, JSON.stringify(ids));
    else localStorage.removeItem(KEY);
    memoRaw = localStorage.getItem(KEY);
  } catch {
    /* private mode: this page only */
  }
  listeners.forEach((l) => l());
}

function useGuestFavourites(): readonly string[] {
  return useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, readGuest);
}

let joining: Promise<void> | null = null;

/**
 * The favourites this browser kept before she signed in join hers, once (the list waits for it). Kept here
 * until the server has them, so a failed join is tried again next time.
 */
export function joinGuestFavourites(): Promise<void> {
  const ids = readGuest();
  if (!ids.length) return Promise.resolve();
  joining ??= call(api.POST('/api/account/favourites/join', { body: { productIds: [...ids] } }))
    .then(() => writeGuest(readGuest().filter((id) => !ids.includes(id))))
    .finally(() => {
      joining = null;
    });
  return joining;
}

/** Her favourites with price and stock at her store: the nearest to `near` (else where the shop measures from). */
export function useFavouriteList(nearTo?: string) {
  const member = useCustomerSession();
  const { position } = useShopperPosition();
  const near = nearTo ?? nearParam(position);
  return useQuery({
    queryKey: ['account', 'favourites', near],
    queryFn: async () => {
      await joinGuestFavourites();
      return call(api.GET('/api/account/favourites', { params: { query: { near } } }));
    },
    enabled: !!member,
  });
}

/** The products kept: a member's from the server, a guest's from this browser. */
export function useFavouriteIds(): ReadonlySet<string> {
  const member = useCustomerSession();
  const guest = useGuestFavourites();
  const list = useFavouriteList();
  if (!member) return new Set(guest);
  return new Set(list.data?.items.map((i) => i.productId) ?? []);
}

/** ♡ ⇄ ♥: keep or let go of a product (on the server for a member, in this browser for a guest). */
export function useToggleFavourite() {
  const member = !!useCustomerSession();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ productId, keep }: { productId: string; keep: boolean }) => {
      if (!member) {
        const ids = readGuest().filter((id) => id !== productId);
        writeGuest(keep ? [productId, ...ids].slice(0, MAX_KEPT) : ids);
        return;
      }
      const params = { params: { path: { productId } } };
      if (keep) await call(api.PUT('/api/account/favourites/{productId}', params));
      else
        await call(api.DELETE('/api/account/favourites/{productId}', params)).catch((err: unknown) => {
          // Let go already (another tab, a double tap): what she asked for is so.
          if (!(err instanceof ApiError && err.problem.code === 'favourites.not_found')) throw err;
        });
    },
    onSuccess: (_, { productId, keep }) => {
      // お気に入り as behaviour too: her timeline, the clienteling card's interests and the recommendations read it.
      track('favorited', keep ? { productId } : { productId, removed: true });
      return queryClient.invalidateQueries({ queryKey: ['account', 'favourites'] });
    },
  });
}

/** At login (and on any page while signed in), the browser's favourites join hers straight away. */
export function useJoinGuestFavouritesAtLogin() {
  const memberId = useCustomerSession()?.customer.id ?? null;
  const guest = useGuestFavourites();
  const queryClient = useQueryClient();
  const waiting = memberId !== null && guest.length > 0;
  useEffect(() => {
    if (!waiting) return;
    joinGuestFavourites()
      .then(() => queryClient.invalidateQueries({ queryKey: ['account', 'favourites'] }))
      .catch(() => {
        /* kept in the browser: tried again when her favourites are next shown */
      });
  }, [waiting, memberId, queryClient]);
}
