import { formatYen } from '../format';
import { useLang, useT, type MessageKey } from '../i18n';
import type { TaxByRate } from '../api/types';

const yen = new Intl.NumberFormat('ja-JP');
export const plainYen = (n: number) => `¥${yen.format(n)}`;

/** 小計, 送料, 合計 (税込) and 内消費税 per rate — what a Japanese receipt shows. */
export function Totals({
  subtotal,
  discountTotal,
  shippingFee,
  total,
  taxes,
  showShipping = true,
  feeLabel = 'cart.shipping',
}: {
  subtotal: number;
  discountTotal: number;
  shippingFee: number;
  total: number;
  taxes: TaxByRate[];
  showShipping?: boolean;
  /** 送料 for shipping, 配達料 for local delivery. */
  feeLabel?: MessageKey;
}) {
  const t = useT();
  const lang = useLang();
  return (
    <dl className="totals" data-testid="totals">
      <dt>{t('cart.subtotal')}</dt>
      <dd>{plainYen(subtotal)}</dd>
      {discountTotal > 0 && (
        <>
          <dt>{t('cart.discount')}</dt>
          <dd>−{plainYen(discountTotal)}</dd>
        </>
      )}
      {showShipping && (
        <>
          <dt>{t(feeLabel)}</dt>
          <dd data-testid="shipping-fee">{shippingFee === 0 ? t('cart.free') : plainYen(shippingFee)}</dd>
        </>
      )}
      <dt className="totals-total">{t('cart.total')}</dt>
      <dd className="totals-total" data-testid="total" data-total={total}>
        {formatYen(total, lang)}
      </dd>
      {taxes.map((x) => (
        <dd key={x.rate} className="totals-tax muted small" data-rate={x.rate}>
          {t('cart.taxIncl', { rate: x.rate, base: plainYen(x.base), tax: plainYen(x.tax) })}
        </dd>
      ))}
    </dl>
  );
}
