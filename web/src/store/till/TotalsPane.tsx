import { formatPoints } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';
import { ProblemBanner } from '../../shared/ui';
import { plainYen } from '../../shared/ui/Totals';
import type { TillFigures } from './useTillBasket';

/**
 * 小計・割引・合計 (税込)・内消費税 as the server's quote states them. While the basket is re-priced the last
 * figures stay, dimmed; before the first quote of a basket arrives the total reads 計算中.
 */
export function TotalsPane({
  figures,
  isQuoted,
  isStale,
  isPricing,
  hasMember,
  error,
}: {
  figures: TillFigures | null;
  /** The figures are the server's answer for this very basket. */
  isQuoted: boolean;
  /** The figures are an earlier basket's, shown until this one's arrive. */
  isStale: boolean;
  isPricing: boolean;
  /** A member is called up: the points this sale earns her are shown. */
  hasMember: boolean;
  error: unknown;
}) {
  const t = useT();
  const lang = useLang();
  const pending = isPricing ? t('till.calculating') : '—';
  return (
    <>
      <dl
        className={`totals till-totals${isStale ? ' is-stale' : ''}`}
        data-testid="till-totals"
        data-checked={String(isQuoted)}
        aria-busy={isStale}
      >
        <dt>{t('till.subtotal')}</dt>
        <dd data-testid="till-subtotal">{figures ? plainYen(figures.subtotal) : pending}</dd>
        {figures && figures.discountTotal > 0 && (
          <>
            <dt>{t('till.discount')}</dt>
            <dd data-testid="till-discount">−{plainYen(figures.discountTotal)}</dd>
          </>
        )}
        <dt className="totals-total">{t('till.total')}</dt>
        <dd className="totals-total" data-testid="till-total" data-total={figures?.total}>
          {figures ? plainYen(figures.total) : pending}
        </dd>
        {figures?.taxes.map((x) => (
          <dd key={x.rate} className="totals-tax muted small" data-rate={x.rate}>
            {t('till.taxIncl', { rate: x.rate, base: plainYen(x.base), tax: plainYen(x.tax) })}
          </dd>
        ))}
        {hasMember && figures && figures.total > 0 && (
          <>
            <dt>{t('till.pointsToEarn')}</dt>
            <dd data-testid="till-points-to-earn" data-points={figures.pointsToEarn}>
              {formatPoints(figures.pointsToEarn, lang)}
            </dd>
          </>
        )}
      </dl>
      {isPricing && figures && <p className="muted small">{t('till.checking')}</p>}
      <ProblemBanner error={error} />
    </>
  );
}
