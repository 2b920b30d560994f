import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { Cart } from '../shared/api/types';
import { CouponTicket, useMyCoupons } from '../shared/customer/Coupons';
import { useT } from '../shared/i18n';
import { Button, ProblemBanner } from '../shared/ui';

/**
 * お持ちのクーポン on a member's cart: her issued coupons, each 使う (the server checks it for this cart
 * now) or, once on the cart, 外す. Checkout then redeems it once, for her only.
 */
export function CartCoupons({ cart }: { cart: Cart }) {
  const t = useT();
  const qc = useQueryClient();
  const coupons = useMyCoupons();
  const applied = new Set(cart.discounts.map((d) => d.code));
  const change = useMutation({
    mutationFn: ({ code, on }: { code: string; on: boolean }) =>
      call(
        on
          ? api.POST('/api/carts/{id}/coupons', { params: { path: { id: cart.id } }, body: { code } })
          : api.DELETE('/api/carts/{id}/coupons/{code}', { params: { path: { id: cart.id, code } } }),
      ),
    onSuccess: (next) => qc.setQueryData(['account', 'cart'], next),
  });
  const items = coupons.data?.items ?? [];
  if (!items.length) return null;
  return (
    <section className="card stack" aria-labelledby="cart-coupons-title" data-testid="cart-coupons">
      <h2 id="cart-coupons-title">{t('cart.coupons.title')}</h2>
      <ul className="plain-list coupon-list">
        {items.map((c) => {
          const on = applied.has(c.code);
          return (
            <li key={c.code}>
              <CouponTicket coupon={c}>
                <Button
                  variant={on ? 'ghost' : 'primary'}
                  onClick={() => change.mutate({ code: c.code, on: !on })}
                  busy={change.isPending && change.variables?.code === c.code}
                >
                  {on ? t('cart.coupons.remove') : t('cart.coupons.use')}
                </Button>
                {on && <span className="small">{t('cart.coupons.applied')}</span>}
              </CouponTicket>
            </li>
          );
        })}
      </ul>
      <ProblemBanner error={change.error} />
    </section>
  );
}
