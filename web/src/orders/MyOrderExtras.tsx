import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { MyReturn, Order, Reorder } from '../shared/api/types';
import { formatDate, formatPoints, formatTime } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { useLocations } from '../shared/locations';
import { Link } from '../shared/router';
import { Button, ProblemBanner, SuccessBanner } from '../shared/ui';
import { TillReceipt } from '../shared/ui/Receipt';
import { plainYen } from '../shared/ui/Totals';
import { orderKindKey, orderStoreId } from './order-status';

/**
 * What マイページ adds under one of her orders (/account/orders/:id): 「もう一度買う」, its returns, and the
 * e-receipt — for a till sale the slip the till printed, open; for an online order behind a tap.
 */
export function MyOrderExtras({ order }: { order: Order }) {
  const t = useT();
  const mine = useQuery({
    queryKey: ['account', 'order', order.id, 'receipt'],
    queryFn: () => call(api.GET('/api/account/orders/{id}', { params: { path: { id: order.id } } })),
  });
  const atTill = order.channel === 'store';
  const receipt = mine.data && (
    <section className="stack my-receipt" aria-labelledby="my-receipt-title" data-testid="e-receipt">
      <h2 id="my-receipt-title">{t('myOrders.receipt')}</h2>
      <p className="muted small no-print">{t(atTill ? 'myOrders.receiptTill' : 'myOrders.receiptOnline')}</p>
      <TillReceipt receipt={mine.data.receipt} />
      <div className="no-print">
        <Button variant="ghost" onClick={() => window.print()}>
          {t('myOrders.print')}
        </Button>
      </div>
    </section>
  );
  return (
    <div className="stack my-order-extras">
      <ProblemBanner error={mine.error} />
      <ReorderButton orderId={order.id} />
      {mine.data && mine.data.returns.length > 0 && <Returns returns={mine.data.returns} />}
      {receipt &&
        (atTill ? (
          receipt
        ) : (
          <details className="card my-receipt-toggle">
            <summary>{t('myOrders.receiptShow')}</summary>
            {receipt}
          </details>
        ))}
    </div>
  );
}

/** A till sale's heading in her history: how, where and when she bought (the receipt below says the rest). */
export function TillOrderHead({ order }: { order: Order }) {
  const t = useT();
  const lang = useLang();
  const stores = useLocations();
  const storeId = orderStoreId(order);
  return (
    <div className="stack" data-testid="order" data-order={order.id} data-number={order.number}>
      <h2>{t('order.title', { number: order.number })}</h2>
      <dl className="facts card">
        <dt>{t('myOrders.how')}</dt>
        <dd>{t(orderKindKey(order))}</dd>
        <dt>{t('myOrders.soldAt')}</dt>
        <dd>{stores.data?.find((l) => l.id === storeId)?.name ?? ''}</dd>
        <dt>{t('myOrders.date')}</dt>
        <dd>
          {formatDate(order.offline?.at ?? order.createdAt, lang)} {formatTime(order.offline?.at ?? order.createdAt)}
        </dd>
        {order.pointsEarned > 0 && (
          <>
            <dt>{t('order.pointsEarned')}</dt>
            <dd>{formatPoints(order.pointsEarned, lang)}</dd>
          </>
        )}
      </dl>
    </div>
  );
}

function Returns({ returns }: { returns: MyReturn[] }) {
  const t = useT();
  const lang = useLang();
  return (
    <section className="card stack" aria-labelledby="my-returns-title" data-testid="my-returns">
      <h2 id="my-returns-title">{t('myOrders.returns')}</h2>
      {returns.map((r) => (
        <div key={r.id} className="stack my-return">
          <p className="small">
            {t('myOrders.returnAt', { date: formatDate(r.createdAt, lang), store: r.storeName ?? '' })}
          </p>
          <ul className="plain-list">
            {r.lines.map((l) => (
              <li key={l.orderLineId}>
                {l.name}
                {l.options && <span className="muted">（{l.options}）</span>} × {l.quantity} — {plainYen(l.amount)}
              </li>
            ))}
          </ul>
          <dl className="facts small">
            <dt>{t('myOrders.refund')}</dt>
            <dd>{plainYen(r.refundTotal)}</dd>
            <dt>{t('myOrders.refundBy')}</dt>
            <dd>
              {(Object.entries(r.byMethod) as Array<[keyof MyReturn['byMethod'], number]>)
                .filter(([, amount]) => amount > 0)
                .map(([how, amount]) => `${t(`myOrders.refundAs.${how}`)} ${plainYen(amount)}`)
                .join('、')}
            </dd>
            {r.pointsReversed > 0 && (
              <>
                <dt>{t('myOrders.pointsReversed')}</dt>
                <dd>{formatPoints(r.pointsReversed, lang)}</dd>
              </>
            )}
          </dl>
        </div>
      ))}
    </section>
  );
}

/** 「もう一度買う」: what is still sold goes into her cart; what is not is named, not silently dropped. */
function ReorderButton({ orderId }: { orderId: string }) {
  const t = useT();
  const qc = useQueryClient();
  const reorder = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/account/orders/{id}/reorder', {
          params: { path: { id: orderId } },
          headers: { 'Idempotency-Key': crypto.randomUUID() },
        }),
      ),
    onSuccess: (r: Reorder) => qc.setQueryData(['account', 'cart'], r.cart),
  });
  const r = reorder.data;
  const count = r?.added.reduce((n, a) => n + a.quantity, 0) ?? 0;
  return (
    <div className="stack no-print" data-testid="reorder">
      <Button variant="primary" size="lg" onClick={() => reorder.mutate()} busy={reorder.isPending}>
        {t('myOrders.reorder')}
      </Button>
      <ProblemBanner error={reorder.error} />
      {r && (
        <div className="stack">
          {count > 0 ? (
            <SuccessBanner>
              {t('myOrders.reordered', { n: count })} <Link href="/shop/cart">{t('myOrders.toCart')}</Link>
            </SuccessBanner>
          ) : (
            <p className="banner banner-info">{t('myOrders.reorderNone')}</p>
          )}
          {r.unavailable.length > 0 && (
            <p className="banner banner-warn" data-testid="reorder-unavailable">
              {t('myOrders.unavailable', {
                items: r.unavailable.map((u) => (u.options ? `${u.name}（${u.options}）` : u.name)).join('、'),
              })}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
