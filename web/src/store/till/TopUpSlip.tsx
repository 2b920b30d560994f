import { formatDateTime } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';
import { plainYen } from '../../shared/ui/Totals';
import type { TillOfflinePack, TopUpResult } from '../../shared/api/types';
import { ReceiptIssuer, Row } from '../../shared/ui/Receipt';

/**
 * The チャージ控え, laid out as TillReceipt is (80 mm, the only thing printed): the store's header from the
 * till's pack, the amount, the cash and change, the balance after — and, plainly, that a top-up is not a
 * sale and carries no consumption tax (prepaid value is 不課税), so no 内消費税 lines.
 */
export function TopUpSlip({
  result,
  memberNumber,
  header,
}: {
  result: TopUpResult;
  memberNumber: string;
  header: Pick<TillOfflinePack, 'store' | 'business'> | null;
}) {
  const t = useT();
  const lang = useLang();
  const { topUp } = result;
  return (
    <article className="receipt" data-testid="topup-slip" data-amount={topUp.amount} aria-label={t('topUp.slip.title')}>
      <header className="receipt-head">
        {header && <ReceiptIssuer business={header.business} store={header.store} />}
        <p className="receipt-title" data-testid="topup-slip-title">
          {t('topUp.slip.title')}
        </p>
        <div className="receipt-row">
          <span>{formatDateTime(topUp.completedAt ?? topUp.createdAt, lang)}</span>
        </div>
      </header>
      <div className="receipt-block">
        <Row label={t('topUp.slip.amount')} value={plainYen(topUp.amount)} strong testId="topup-slip-amount" />
        <Row
          label={t('topUp.slip.method')}
          value={t(topUp.method === 'cash' ? 'topUp.slip.cash' : 'topUp.slip.card')}
        />
        {topUp.cashReceived !== null && <Row label={t('receipt.tendered')} value={plainYen(topUp.cashReceived)} />}
        {topUp.change !== null && (
          <Row label={t('receipt.change')} value={plainYen(topUp.change)} strong testId="topup-slip-change" />
        )}
      </div>
      <div className="receipt-block">
        <Row label={t('topUp.slip.member')} value={memberNumber} />
        <Row label={t('topUp.slip.balance')} value={plainYen(result.balance)} testId="topup-slip-balance" />
      </div>
      <p className="receipt-foot" data-testid="topup-slip-tax">
        {t('topUp.slip.notSale')}
        <br />
        {t('topUp.slip.tax')}
      </p>
    </article>
  );
}
