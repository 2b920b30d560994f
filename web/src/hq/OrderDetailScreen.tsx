import { useQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { describeOptions, formatDateTime, formatPoints, formatYen } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Link } from '../shared/router';
import { ChannelIcon, DataTable, ProblemBanner } from '../shared/ui';
import { locationName, useLocations } from '../shared/locations';
import { plainYen, Totals } from '../shared/ui/Totals';
import type { Order, OrderLine, TaxByRate } from '../shared/api/types';
import { labelOr } from './OrdersScreen';

type Payment = Order['payments'][number];

/** /hq/orders/:id — one order as head office sees it: lines, fulfilments, payments, taxes per rate, points. */
export function OrderDetailScreen({ id }: { id: string }) {
  const t = useT();
  const lang = useLang();
  const locations = useLocations();
  const nameOf = (lid: string | null) => {
    if (!lid) return '—';
    const l = locations.data?.find((x) => x.id === lid);
    return l ? locationName(l, lang) : lid;
  };
  // GET /api/orders/:id is the shopper's path (client.ts); here the clerk's session reads it.
  const order = useQuery({
    queryKey: ['hq', 'order', id],
    queryFn: () =>
      call(
        api.GET('/api/orders/{id}', {
          params: { path: { id } },
          headers: { 'X-Musubi-Audience': 'staff' },
        }),
      ),
  });
  const o = order.data;

  return (
    <main className="page store hq-order">
      <p>
        <Link href="/hq/orders">← {t('hq.order.back')}</Link>
      </p>
      <ProblemBanner error={order.error} />
      {order.isPending && <p className="muted">{t('common.loading')}</p>}
      {o && (
        <>
          <h1 data-number={o.number}>{t('hq.order.title', { number: o.number })}</h1>
          <section className="card">
            <h2>{t('hq.order.summary')}</h2>
            <dl className="facts">
              <dt>{t('hq.orders.col.at')}</dt>
              <dd>{formatDateTime(o.createdAt, lang)}</dd>
              <dt>{t('hq.orders.col.channel')}</dt>
              <dd>
                <ChannelIcon channel={o.channel} label />
              </dd>
              <dt>{t('hq.orders.col.status')}</dt>
              <dd>
                <span className={`status status-${o.status}`}>
                  {labelOr(t, `hq.orderStatus.${o.status}`, o.status)}
                </span>
              </dd>
              <dt>{t('hq.order.soldAt')}</dt>
              <dd>{nameOf(o.locationId)}</dd>
              <dt>{t('hq.order.customer')}</dt>
              <dd>
                {o.customerId ? (
                  <Link href={`/hq/customers/${encodeURIComponent(o.customerId)}`}>
                    {o.customer ? `${o.customer.name ?? '—'}（${o.customer.memberNumber}）` : o.customerId}
                  </Link>
                ) : (
                  `${o.guest?.name ?? '—'}${o.guest?.email ? ` <${o.guest.email}>` : ''} (${t('hq.orders.guest')})`
                )}
              </dd>
            </dl>
          </section>

          <section className="card">
            <h2>{t('hq.order.lines')}</h2>
            <DataTable<OrderLine>
              columns={[
                {
                  key: 'item',
                  header: t('hq.order.col.item'),
                  cell: (l) => (
                    <>
                      {l.name} <span className="muted small">{describeOptions(l.options)}</span>
                      <br />
                      <span className="mono muted small">{l.jan}</span>
                      {l.returnedQuantity > 0 && (
                        <span className="badge"> {t('hq.order.returned', { n: l.returnedQuantity })}</span>
                      )}
                    </>
                  ),
                },
                { key: 'tax', header: t('hq.order.col.tax'), align: 'end', cell: (l) => `${l.taxRate}%` },
                { key: 'unit', header: t('hq.order.col.unit'), align: 'end', cell: (l) => plainYen(l.unitPrice) },
                { key: 'qty', header: t('hq.order.col.qty'), align: 'end', cell: (l) => l.quantity },
                {
                  key: 'discount',
                  header: t('hq.order.col.discount'),
                  align: 'end',
                  cell: (l) => (l.discount ? `−${plainYen(l.discount)}` : '—'),
                },
                { key: 'total', header: t('hq.order.col.total'), align: 'end', cell: (l) => plainYen(l.total) },
              ]}
              rows={o.lines}
              rowKey={(l) => l.id}
              empty={t('hq.order.none')}
            />
            <Totals
              subtotal={o.subtotal}
              discountTotal={o.discountTotal}
              shippingFee={o.shippingFee}
              total={o.total}
              taxes={o.taxes}
              showShipping={o.shippingFee > 0}
            />
            {o.discounts.length > 0 && (
              <>
                <h3>{t('hq.order.discounts')}</h3>
                <ul className="plain-list" data-testid="discounts">
                  {o.discounts.map((d) => (
                    <li key={d.code} data-code={d.code}>
                      {d.label} −{plainYen(d.amount)}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>

          <section className="card">
            <h2>{t('hq.order.fulfilments')}</h2>
            <ul className="plain-list">
              {o.fulfilments.map((f) => (
                <li key={f.id} data-fulfilment={f.id} data-status={f.status}>
                  <strong>{labelOr(t, `hq.ftype.${f.type}`, f.type)}</strong> · {nameOf(f.locationId)} ·{' '}
                  <span className={`status status-${f.status}`}>{labelOr(t, `fulfilment.${f.status}`, f.status)}</span>
                  {f.pickupCode && <span className="mono"> · {t('hq.order.pickupCode', { code: f.pickupCode })}</span>}
                  {f.completedAt && <span className="muted small"> · {formatDateTime(f.completedAt, lang)}</span>}
                </li>
              ))}
            </ul>
          </section>

          <section className="card">
            <h2>{t('hq.order.payments')}</h2>
            <DataTable<Payment>
              columns={[
                {
                  key: 'method',
                  header: t('hq.order.col.method'),
                  cell: (p) => labelOr(t, `payment.${p.method}`, labelOr(t, `hq.payment.${p.method}`, p.method)),
                },
                { key: 'amount', header: t('hq.order.col.amount'), align: 'end', cell: (p) => plainYen(p.amount) },
                {
                  key: 'captured',
                  header: t('hq.order.col.captured'),
                  align: 'end',
                  cell: (p) => plainYen(p.capturedAmount),
                },
                {
                  key: 'refunded',
                  header: t('hq.order.col.refunded'),
                  align: 'end',
                  cell: (p) => (p.refundedAmount ? plainYen(p.refundedAmount) : '—'),
                },
                { key: 'status', header: t('hq.order.col.paymentStatus'), cell: (p) => p.status },
              ]}
              rows={o.payments}
              rowKey={(p) => p.id}
              empty={t('hq.order.none')}
            />
          </section>

          <section className="card">
            <h2>{t('hq.order.taxes')}</h2>
            <DataTable<TaxByRate>
              columns={[
                { key: 'rate', header: t('hq.order.col.rate'), cell: (x) => `${x.rate}%` },
                { key: 'base', header: t('hq.order.col.base'), align: 'end', cell: (x) => plainYen(x.base) },
                { key: 'tax', header: t('hq.order.col.taxAmount'), align: 'end', cell: (x) => plainYen(x.tax) },
              ]}
              rows={o.taxes}
              rowKey={(x) => String(x.rate)}
              rowProps={(x) => ({ 'data-rate': String(x.rate) })}
              empty={t('hq.order.none')}
            />
            <p className="muted small">{formatYen(o.total, lang)}</p>
          </section>

          <section className="card">
            <h2>{t('hq.order.points')}</h2>
            <dl className="facts">
              <dt>{t('hq.order.pointsUsed')}</dt>
              <dd data-testid="points-used">{formatPoints(o.pointsUsed, lang)}</dd>
              <dt>{t('hq.order.pointsEarned')}</dt>
              <dd data-testid="points-earned">{formatPoints(o.pointsEarned, lang)}</dd>
            </dl>
          </section>
        </>
      )}
    </main>
  );
}
