import type { ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';
import type { IssuedCoupon } from '../api/types';
import { formatAmount, formatDateTime } from '../format';
import { useLang, useT, type Translate } from '../i18n';

/** Her coupons (GET /api/account/coupons), cached under ['account', 'coupons'] like the rest of マイページ. */
export function useMyCoupons(enabled = true) {
  return useQuery({
    queryKey: ['account', 'coupons'],
    queryFn: () => call(api.GET('/api/account/coupons')),
    enabled,
  });
}

/** 500円引き, 10%オフ, 2点購入で1点無料, 3点で¥2,000 — what the coupon gives, in the shop's words. */
export function discountText(t: Translate, c: Pick<IssuedCoupon, 'kind' | 'params'>): string {
  const p = c.params;
  switch (c.kind) {
    case 'percent_off':
      return t('coupon.give.percent', { percent: p.percent ?? 0 });
    case 'amount_off':
      return t('coupon.give.amount', { amount: formatAmount(p.amount ?? 0) });
    case 'buy_x_get_y':
      return (p.percent ?? 100) >= 100
        ? t('coupon.give.buyGetFree', { buy: p.buy ?? 0, get: p.get ?? 0 })
        : t('coupon.give.buyGet', { buy: p.buy ?? 0, get: p.get ?? 0, percent: p.percent ?? 0 });
    case 'bundle_price':
      return t('coupon.give.bundle', { quantity: p.quantity ?? 0, price: formatAmount(p.price ?? 0) });
  }
}

/**
 * One coupon as a ticket: what it gives, its name and fine print, until when, and (optionally) an action —
 * 使う on the cart, 適用 at the till. The code is shown small: the till reads it from her member code.
 */
export function CouponTicket({ coupon, children }: { coupon: IssuedCoupon; children?: ReactNode }) {
  const t = useT();
  const lang = useLang();
  return (
    <article className="coupon-ticket" data-code={coupon.code} aria-label={coupon.name}>
      <p className="coupon-give">{discountText(t, coupon)}</p>
      <div className="coupon-body">
        <p className="coupon-name">{coupon.name}</p>
        {coupon.description && <p className="small">{coupon.description}</p>}
        {coupon.minSpend > 0 && (
          <p className="small muted">{t('coupon.minSpend', { amount: formatAmount(coupon.minSpend) })}</p>
        )}
        <p className="small muted">
          {coupon.expiresAt
            ? t('coupon.until', {
                when: formatDateTime(new Date(Date.parse(coupon.expiresAt) - 60_000).toISOString(), lang),
              })
            : t('coupon.noEnd')}
        </p>
        <p className="small muted mono">{t('coupon.code', { code: coupon.code })}</p>
      </div>
      {children && <div className="coupon-action">{children}</div>}
    </article>
  );
}
