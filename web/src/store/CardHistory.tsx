import type { ClientelingCard as Card } from '../shared/api/types';
import { describeOptions, formatDate, formatDateTime } from '../shared/format';
import { isMessageKey, useLang, useT } from '../shared/i18n';
import { ChannelIcon } from '../shared/ui';

/**
 * The card's 購入履歴: her latest lines in every channel — the till with her member code, the web, the app —
 * each with the size and colour she took, so the clerk can say 「前回は M でしたね」.
 */
export function CardPurchases({ card }: { card: Card }) {
  const t = useT();
  const lang = useLang();
  return (
    <section className="card" aria-labelledby="purchases-title" data-testid="card-purchases">
      <h2 id="purchases-title">{t('card.purchases')}</h2>
      {card.purchases.length ? (
        <ul className="plain-list card-purchases">
          {card.purchases.map((p) => (
            <li key={`${p.orderId}:${p.variantId}`} className="card-purchase" data-order={p.orderId}>
              <ChannelIcon channel={p.channel} />
              <div>
                <p className="product-name">
                  {p.name} × {p.quantity}
                </p>
                {describeOptions(p.options) && (
                  <p className="small" data-testid="purchase-options">
                    {describeOptions(p.options)}
                  </p>
                )}
                <p className="muted small">
                  {formatDate(p.at, lang)}
                  {p.locationName && ` · ${p.locationName}`}
                  {p.returnedQuantity > 0 && ` · ${t('card.purchaseReturned', { n: p.returnedQuantity })}`}
                </p>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('card.purchasesNone')}</p>
      )}
    </section>
  );
}

/** The card's 取り置き・受け取り待ち: her holds, pickups and mobile orders not yet handed over, soonest first. */
export function CardCollections({ card, locationId }: { card: Card; locationId: string }) {
  const t = useT();
  const lang = useLang();
  return (
    <section className="card" aria-labelledby="collections-title" data-testid="card-collections">
      <h2 id="collections-title">{t('card.collections')}</h2>
      {card.collections.length ? (
        <ul className="plain-list">
          {card.collections.map((c) => {
            const kind = `myOrders.kind.${c.type}`;
            const status = `fulfilment.${c.status}`;
            return (
              <li key={c.fulfilmentId} className="hold" data-order={c.orderId} data-type={c.type}>
                <p>
                  <strong>{isMessageKey(kind) ? t(kind) : ''}</strong> {c.number}{' '}
                  <span className={`status small status-${c.status}`}>{isMessageKey(status) ? t(status) : ''}</span>
                </p>
                <ul className="lines">
                  {c.lines.map((l, i) => (
                    <li key={i}>
                      {l.name}
                      {describeOptions(l.options) && (
                        <span className="muted">（{describeOptions(l.options)}）</span>
                      )} × {l.quantity}
                    </li>
                  ))}
                </ul>
                <p className="muted small">
                  {c.locationId !== locationId && c.locationName && `${c.locationName} · `}
                  {c.deadline && t('card.collectionDeadline', { date: formatDateTime(c.deadline, lang) })}
                </p>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted">{t('card.collectionsNone')}</p>
      )}
    </section>
  );
}
