import { useT } from '../shared/i18n';
import { plainYen } from '../shared/ui/Totals';
import type { RefundSlip as Slip } from '../shared/api/types';
import { ReceiptIssuer, Row } from '../shared/ui/Receipt';

/**
 * 返品・返金明細: what the counter hands over with the refund (GET /api/returns/{id}/slip), laid out like the
 * receipt for the 80 mm printer. With the business's registration number it is a 適格返還請求書: the sale it
 * corrects, the items back (※ reduced rate), the refund and the tax in it per rate.
 */
export function RefundSlip({ slip, reissue = false }: { slip: Slip; reissue?: boolean }) {
  const t = useT();
  return (
    <article
      className="receipt"
      data-testid="refund-slip"
      data-total={slip.total}
      data-reissue={reissue || undefined}
      aria-label={t('slip.title')}
    >
      <header className="receipt-head">
        <ReceiptIssuer business={slip.business} store={slip.store} registrationTestId="slip-registration" />
        <p className="receipt-title">{t('slip.title')}</p>
        {reissue && (
          <p className="receipt-offline" data-testid="slip-reissue">
            {t('receipt.reissue')}
          </p>
        )}
        <Row label={t('slip.returnedAt')} value={slip.issuedAtLocal} />
        <Row label={t('slip.original')} value={slip.original.number} testId="slip-original" />
        <Row label={t('slip.soldAt')} value={slip.original.issuedAtLocal} />
      </header>
      <ul className="receipt-lines">
        {slip.lines.map((l, i) => (
          <li key={i} data-reduced={String(l.reducedRate)}>
            <div className="receipt-row">
              <span>
                {l.name}
                {l.reducedRate && <span className="receipt-mark">※</span>}
              </span>
              <span className="receipt-num">-{plainYen(l.amount)}</span>
            </div>
            <div className="receipt-sub">
              {l.options && <span>{l.options}</span>}{' '}
              <span className="receipt-num">{t('slip.qty', { qty: l.quantity })}</span>
            </div>
          </li>
        ))}
      </ul>
      <div className="receipt-block">
        <Row label={t('slip.total')} value={`-${plainYen(slip.total)}`} strong testId="slip-total" />
        {slip.taxes.map((x) => (
          <div key={x.rate} className="receipt-tax" data-testid="slip-tax" data-rate={x.rate}>
            <Row label={t('slip.taxBase', { rate: x.rate })} value={`-${plainYen(x.base)}`} />
            <Row label={`　${t('receipt.taxIncl')}`} value={`-${plainYen(x.tax)}`} />
          </div>
        ))}
      </div>
      <div className="receipt-block">
        {slip.refunds.map((r) => (
          <Row
            key={r.as}
            label={`${t(`slip.as.${r.as}`)}${r.pending ? t('slip.pending') : ''}`}
            value={plainYen(r.amount)}
            testId="slip-refund"
          />
        ))}
        {slip.pointsReversed > 0 && (
          <Row label={t('slip.pointsReversed')} value={`-${slip.pointsReversed.toLocaleString('ja-JP')} pt`} />
        )}
        <Row label={t('slip.reason')} value={slip.reason} />
      </div>
      <p className="receipt-foot">{slip.footnote}</p>
      <p className="receipt-foot">{t('slip.sign')}</p>
    </article>
  );
}
