import { useSyncExternalStore } from 'react';
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCustomerSession } from './customer/session';
import { api, ApiError, call } from './api/client';
import { deviceId } from './device';
import type { Cart, FulfilmentChoice } from './api/types';

/**
 * The shopper's cart. Without an account its id is kept in localStorage (the id is the capability); a
 * member's is GET /api/account/cart, which also takes over the cart this device filled before login.
 */
const KEY = 'musubi.cart';
const listeners = new Set<() => void>();

function readId(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return memoId;
  }
}
let memoId: string | null = null;

export function rememberCartId(id: string | null) {
  memoId = id;
  try {
    if (id) localStorage.setItem(KEY, id);
    else localStorage.removeItem(KEY);
  } catch {
    /* private mode: this page only */
  }
  listeners.forEach((l) => l());
}

function useStoredCartId(): string | null {
  return useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, readId);
}

const fetchCart = (id: string) => call(api.GET('/api/carts/{id}', { params: { path: { id } } }));
const fetchMyCart = () => call(api.GET('/api/account/cart'));

/** The cart being shown (null: an anonymous shopper with no cart yet). */
export function useCart() {
  const member = useCustomerSession();
  const stored = useStoredCartId();
  const queryKey = member ? ['account', 'cart'] : ['cart', stored];
  return useQuery({
    queryKey,
    queryFn: async (): Promise<Cart | null> => {
      if (member) return fetchMyCart();
      if (!stored) return null;
      try {
        const cart = await fetchCart(stored);
        if (cart.status === 'open') return cart;
      } catch (err) {
        if (!(err instanceof ApiError) || err.problem.status !== 404) throw err;
      }
      // Ordered, merged or gone: start afresh next time.
      rememberCartId(null);
      return null;
    },
  });
}

/** The open cart to add to: the member's, the stored one, or a new anonymous cart for this device. */
async function ensureCart(qc: QueryClient, member: boolean): Promise<Cart> {
  if (member) return fetchMyCart();
  const stored = readId();
  if (stored) {
    const cached = qc.getQueryData<Cart | null>(['cart', stored]);
    if (cached?.status === 'open') return cached;
    try {
      const cart = await fetchCart(stored);
      if (cart.status === 'open') return cart;
    } catch {
      /* gone: make a new one */
    }
  }
  const cart = await call(api.POST('/api/carts', { body: { deviceId: deviceId() } }));
  rememberCartId(cart.id);
  return cart;
}

/** Cart changes answer with the whole cart: put it straight into the cache. */
function useCartMutation<V>(fn: (vars: V, member: boolean, qc: QueryClient) => Promise<Cart>) {
  const qc = useQueryClient();
  const member = !!useCustomerSession();
  return useMutation({
    mutationFn: (vars: V) => fn(vars, member, qc),
    onSuccess: (cart) => qc.setQueryData(member ? ['account', 'cart'] : ['cart', cart.id], cart),
  });
}

export function useAddToCart() {
  return useCartMutation(async ({ variantId, quantity }: { variantId: string; quantity: number }, member, qc) => {
    const cart = await ensureCart(qc, member);
    return call(
      api.POST('/api/carts/{id}/lines', { params: { path: { id: cart.id } }, body: { variantId, quantity } }),
    );
  });
}

export function useSetQuantity(cartId: string) {
  return useCartMutation(({ variantId, quantity }: { variantId: string; quantity: number }) =>
    call(
      api.PUT('/api/carts/{id}/lines/{variantId}', {
        params: { path: { id: cartId, variantId } },
        body: { quantity },
      }),
    ),
  );
}

export function useSetFulfilment(cartId: string) {
  return useCartMutation((choice: FulfilmentChoice) =>
    call(api.PUT('/api/carts/{id}/fulfilment', { params: { path: { id: cartId } }, body: choice })),
  );
}

export const itemCount = (cart: Cart | null | undefined) => cart?.lines.reduce((n, l) => n + l.quantity, 0) ?? 0;
