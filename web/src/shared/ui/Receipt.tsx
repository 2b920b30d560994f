import type { Receipt } from '../api/types';
import { isMessageKey, useT } from '../i18n';
import { plainYen } from './Totals';

const pt = new Intl.NumberFormat('ja-JP');

export function Row({
  label,
  value,
  strong,
  testId,
}: {
  label: string;
  value: string;
  strong?: boolean;
  testId?: string;
}) {
  return (
    <div className={`receipt-row${strong ? ' receipt-strong' : ''}`} data-testid={testId}>
      <span>{label}</span>
      <span className="receipt-num">{value}</span>
    </div>
  );
}

/** The business's logo above the store's name; offline (not cached) it is left out rather than shown broken. */
function ReceiptLogo({ src }: { src: string }) {
  return (
    <img
      className="receipt-logo"
      src={src}
      alt=""
      onError={(e) => {
        e.currentTarget.style.display = 'none';
      }}
    />
  );
}

/**
 * Who issues the slip, at the top of every one the till prints (receipt, refund slip, チャージ控え): the
 * business's logo, the store, the business and its registration number (what makes a slip an invoice).
 */
export function ReceiptIssuer({
  business,
  store,
  registrationTestId,
}: {
  business: Receipt['business'];
  store: Receipt['store'];
  registrationTestId?: string;
}) {
  const t = useT();
  return (
    <>
      {business.logo && <ReceiptLogo src={business.logo} />}
      <p className="receipt-store">{store.name}</p>
      {store.address && <p>{store.address}</p>}
      {store.phone && <p>TEL {store.phone}</p>}
      {business.name && business.name !== store.name && <p>{business.name}</p>}
      {business.registrationNumber && (
        <p data-testid={registrationTestId}>{t('receipt.registration', { number: business.registrationNumber })}</p>
      )}
    </>
  );
}

/**
 * The receipt as the server wrote it (POST /api/pos/sales → receipt), laid out for an 80 mm thermal
 * printer: on screen a narrow slip, in print (@media print in styles.css) the only thing on the page.
 * The shopper's e-receipt in マイページ is this same slip, so what she reads is what the till printed.
 */
export function TillReceipt({ receipt, reissue = false }: { receipt: Receipt; reissue?: boolean }) {
  const t = useT();
  // The receipt names a tender as a plain string: the till's methods and the online ones get their Japanese names.
  const method = (m: string) => {
    const key = `receipt.method.${m}`;
    return isMessageKey(key) ? t(key) : m;
  };
  const tendered = receipt.payments.reduce((s, p) => s + (p.method === 'cash' ? (p.tendered ?? p.amount) : 0), 0);
  const hasCash = receipt.payments.some((p) => p.method === 'cash');
  return (
    <article
      className="receipt"
      data-testid="receipt"
      data-number={receipt.number}
      data-offline={receipt.offline ? receipt.offline.number : undefined}
      data-total={receipt.total}
      data-reissue={reissue || undefined}
      aria-label={t('receipt.title')}
    >
      <header className="receipt-head">
        <ReceiptIssuer business={receipt.business} store={receipt.store} registrationTestId="receipt-registration" />
        <p className="receipt-title">{t('receipt.title')}</p>
        {reissue && (
          <p className="receipt-offline" data-testid="receipt-reissue">
            {t('receipt.reissue')}
          </p>
        )}
        {receipt.offline && (
          <p className="receipt-offline" data-testid="receipt-offline">
            {t('receipt.offline')}
          </p>
        )}
        <div className="receipt-row">
          <span data-testid="receipt-date">{receipt.issuedAtLocal}</span>
          <span className="receipt-num">
            {receipt.offline
              ? t('receipt.transaction', { number: receipt.offline.number })
              : t('receipt.number', { number: receipt.number })}
          </span>
        </div>
        {receipt.clerk && <p data-testid="receipt-clerk">{t('receipt.clerk', { name: receipt.clerk })}</p>}
      </header>
      <ul className="receipt-lines">
        {receipt.lines.map((l, i) => (
          <li key={i} data-reduced={String(l.reducedRate)}>
            <div className="receipt-row">
              <span>
                {l.name}
                {l.reducedRate && <span className="receipt-mark">※</span>}
              </span>
              <span className="receipt-num">{plainYen(l.unitPrice * l.quantity)}</span>
            </div>
            {(l.options || l.quantity > 1) && (
              <div className="receipt-sub">
                {l.options && <span>{l.options}</span>}{' '}
                {l.quantity > 1 && (
                  <span className="receipt-num">
                    {t('receipt.qty', { qty: l.quantity, price: plainYen(l.unitPrice) })}
                  </span>
                )}
              </div>
            )}
          </li>
        ))}
      </ul>
      <div className="receipt-block">
        <Row label={t('receipt.subtotal')} value={plainYen(receipt.subtotal)} />
        {receipt.discounts.map((d, i) => (
          <Row key={i} label={d.label} value={`-${plainYen(d.amount)}`} testId="receipt-discount" />
        ))}
        <Row label={t('receipt.total')} value={plainYen(receipt.total)} strong testId="receipt-total" />
        {receipt.taxes.map((x) => (
          <div key={x.rate} className="receipt-tax" data-testid="receipt-tax" data-rate={x.rate}>
            <Row label={t('receipt.taxBase', { rate: x.rate })} value={plainYen(x.base)} />
            <Row label={`　${t('receipt.taxIncl')}`} value={plainYen(x.tax)} />
          </div>
        ))}
      </div>
      <div className="receipt-block">
        {receipt.payments.map((p, i) => (
          <div key={i}>
            <Row
              label={p.brand ? `${method(p.method)}（${p.brand}）` : method(p.method)}
              value={plainYen(p.amount)}
              testId="receipt-payment"
            />
            {p.reference && (
              <div className="receipt-sub" data-testid="receipt-reference">
                {t(p.method === 'qr' ? 'receipt.transaction' : 'receipt.approval', { number: p.reference })}
              </div>
            )}
          </div>
        ))}
        {hasCash && <Row label={t('receipt.tendered')} value={plainYen(tendered)} testId="receipt-tendered" />}
        {hasCash && <Row label={t('receipt.change')} value={plainYen(receipt.change)} strong testId="receipt-change" />}
      </div>
      {receipt.member && (
        <div className="receipt-block" data-testid="receipt-member">
          <Row label={t('receipt.member')} value={receipt.member.number} />
          {receipt.member.pointsUsed > 0 && (
            <Row label={t('receipt.pointsUsed')} value={`${pt.format(receipt.member.pointsUsed)} pt`} />
          )}
          <Row
            label={t('receipt.pointsEarned')}
            value={`${pt.format(receipt.member.pointsEarned)} pt`}
            testId="receipt-points-earned"
          />
          {receipt.member.balance !== null && (
            <Row
              label={t('receipt.pointsBalance')}
              value={`${pt.format(receipt.member.balance)} pt`}
              testId="receipt-points-balance"
            />
          )}
        </div>
      )}
      <p className="receipt-foot">{receipt.footnote}</p>
    </article>
  );
}
