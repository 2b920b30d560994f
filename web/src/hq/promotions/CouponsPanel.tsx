import { useT } from '../../shared/i18n';
import { Button, DataTable, ProblemBanner } from '../../shared/ui';
import type { Coupon, Promotion } from '../../shared/api/types';
import { labelOr } from '../OrdersScreen';
import { CouponBatchForm } from './CouponBatchForm';
import { PublicCouponForm } from './PublicCouponForm';
import { Redemptions } from './Redemptions';
import { useCoupons } from './useCoupons';

/** One promotion's coupons with their redemptions, and the forms that issue more. */
export function CouponsPanel({ promotion, onClose }: { promotion: Promotion; onClose: () => void }) {
  const t = useT();
  const coupons = useCoupons(promotion.id);
  return (
    <section
      className="card"
      aria-label={t('hq.coupons.title', { name: promotion.name })}
      data-coupons-for={promotion.id}
    >
      <div className="card-head">
        <h2>{t('hq.coupons.title', { name: promotion.name })}</h2>
        <Button variant="ghost" onClick={onClose}>
          {t('hq.coupons.close')}
        </Button>
      </div>
      <ProblemBanner error={coupons.error} />
      <DataTable<Coupon>
        stacked
        columns={[
          {
            key: 'code',
            header: t('hq.coupons.col.code'),
            cell: (c) => <span className="mono">{c.code ?? t('hq.coupons.singleUse')}</span>,
          },
          { key: 'kind', header: t('hq.coupons.col.kind'), cell: (c) => t(`hq.coupons.kind.${c.kind}`) },
          {
            key: 'issuedChannel',
            header: t('hq.coupons.col.issuedChannel'),
            cell: (c) => (c.issuedChannel ? labelOr(t, `channel.${c.issuedChannel}`, c.issuedChannel) : '—'),
          },
          { key: 'attribution', header: t('hq.coupons.col.redemptions'), cell: (c) => <Redemptions couponId={c.id} /> },
        ]}
        rows={coupons.data?.items ?? []}
        rowKey={(c) => c.id}
        rowProps={(c) => ({ 'data-coupon': c.id, 'data-code': c.code ?? undefined })}
        empty={coupons.isPending ? t('common.loading') : t('hq.coupons.none')}
      />

      <div className="hq-coupon-forms">
        <PublicCouponForm promotionId={promotion.id} />
        <CouponBatchForm promotionId={promotion.id} />
      </div>
    </section>
  );
}
