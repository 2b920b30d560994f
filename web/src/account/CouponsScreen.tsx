import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { CouponTicket, useMyCoupons } from '../shared/customer/Coupons';
import { useT } from '../shared/i18n';
import { Link, navigate } from '../shared/router';
import { Button, ProblemBanner } from '../shared/ui';
import { AccountPage } from './AccountPage';

/**
 * /account/coupons — クーポン: the coupons issued to her (a campaign's offer), soonest to expire first.
 * オンラインで使う puts one on her cart; in a store she shows her member code and the till applies it.
 */
export function CouponsScreen() {
  const t = useT();
  const coupons = useMyCoupons();
  const qc = useQueryClient();
  const applyOnline = useMutation({
    mutationFn: async (code: string) => {
      const cart = await call(api.GET('/api/account/cart'));
      return call(api.POST('/api/carts/{id}/coupons', { params: { path: { id: cart.id } }, body: { code } }));
    },
    onSuccess: (cart) => {
      qc.setQueryData(['account', 'cart'], cart);
      navigate('/shop/cart');
    },
  });
  const items = coupons.data?.items ?? [];
  return (
    <AccountPage title={t('account.coupons.title')}>
      <p className="muted small">{t('account.coupons.lead')}</p>
      <ProblemBanner error={coupons.error ?? applyOnline.error} />
      {coupons.isPending && <p className="muted">{t('common.loading')}</p>}
      {coupons.data && items.length === 0 && <p className="card">{t('account.coupons.none')}</p>}
      <ul className="plain-list coupon-list">
        {items.map((c) => (
          <li key={c.code}>
            <CouponTicket coupon={c}>
              <Button
                onClick={() => applyOnline.mutate(c.code)}
                busy={applyOnline.isPending && applyOnline.variables === c.code}
                disabled={c.channels.length > 0 && !c.channels.includes('web') && !c.channels.includes('app')}
              >
                {t('account.coupons.useOnline')}
              </Button>
            </CouponTicket>
          </li>
        ))}
      </ul>
      {items.length > 0 && (
        <p className="small">
          <Link href="/account/card">{t('account.coupons.inStore')}</Link>
        </p>
      )}
    </AccountPage>
  );
}
