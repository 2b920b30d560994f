import { useQuery } from '@tanstack/react-query';
import { MemberQr } from '../shared/customer/MemberQr';
import { useCustomerSession } from '../shared/customer/session';
import { useLocations } from '../shared/locations';
import { api, call } from '../shared/api/client';
import { formatDateTime, formatTime } from '../shared/format';
import { isMessageKey, useLang, useT } from '../shared/i18n';
import { Link, useLocationPath } from '../shared/router';
import { ProblemBanner } from '../shared/ui';
import { plainYen, Totals } from '../shared/ui/Totals';
import { formatAddress } from '../shared/format';
import type { Order } from '../shared/api/types';
import { FINAL, SLOT_MINUTES } from '../shared/order-flow';
import { MyOrderExtras, TillOrderHead } from './MyOrderExtras';
import { returnState, statusKey } from './order-status';

/** How often the order page asks again while the store prepares it (there is no order stream yet). */
export const ORDER_POLL_MS = 3_000;

/**
 * A guest reads the order back with its number and the e-mail given at checkout (POST /api/orders/lookup).
 * Both are kept for this tab after checkout, or entered on /shop/orders/lookup later.
 */
const guestKey = (id: string) => `musubi.order.${id}`;
interface GuestOrder {
  order: Order;
  email: string;
}
export function rememberGuestOrder(order: Order, email: string) {
  try {
    sessionStorage.setItem(guestKey(order.id), JSON.stringify({ order, email } satisfies GuestOrder));
  } catch {
    /* not kept */
  }
}
function guestOrder(id: string): GuestOrder | null {
  try {
    const kept = JSON.parse(sessionStorage.getItem(guestKey(id)) ?? 'null') as GuestOrder | null;
    return kept?.order && kept.email ? kept : null;
  } catch {
    return null;
  }
}

export const lookupOrder = (number: string, email: string) =>
  call(api.POST('/api/orders/lookup', { body: { number, email } }));
const stillMoving = (o: Order | undefined) => !(o && o.fulfilments.every((f) => FINAL.includes(f.status)));

/** /shop/orders/:id and /account/orders/:id — status, and once ready the pickup code as a big QR. */
export function OrderScreen({ id }: { id: string }) {
  const t = useT();
  const member = useCustomerSession();
  const { search } = useLocationPath();
  const guest = member ? null : guestOrder(id);
  const order = useQuery({
    queryKey: ['account', 'order', id],
    queryFn: () => call(api.GET('/api/orders/{id}', { params: { path: { id } } })),
    enabled: !!member,
    refetchInterval: (q) => (stillMoving(q.state.data) ? ORDER_POLL_MS : false),
  });
  const guestLive = useQuery({
    queryKey: ['guest', 'order', id],
    queryFn: () => lookupOrder(guest!.order.number, guest!.email),
    enabled: !!guest,
    initialData: guest?.order,
    refetchInterval: (q) => (stillMoving(q.state.data) ? ORDER_POLL_MS : false),
  });
  const data = member ? order.data : guestLive.data;

  return (
    <main className="page narrow shop order-page">
      <Link href={member ? '/account/orders' : '/shop'} className="back">
        ← {member ? t('order.mine') : t('order.back')}
      </Link>
      {search.get('placed') && <h1 className="order-placed">{t('order.placed')}</h1>}
      <ProblemBanner error={order.error} />
      {data && member && data.channel === 'store' ? (
        <TillOrderHead order={data} />
      ) : data ? (
        <OrderDetail order={data} live />
      ) : member && order.isPending ? (
        <p>{t('common.loading')}</p>
      ) : (
        !member && (
          <p className="banner banner-info">
            {t('order.guestNote')} <Link href="/shop/orders/lookup">{t('order.lookup.title')}</Link>
          </p>
        )
      )}
      {data && member && <MyOrderExtras order={data} />}
    </main>
  );
}

function OrderDetail({ order, live }: { order: Order; live: boolean }) {
  // Her own order, completed: each line she kept offers 「レビューを書く」.
  const isHers = !!useCustomerSession() && !!order.customerId;
  const t = useT();
  const lang = useLang();
  const stores = useLocations();
  return (
    <div className="stack" data-testid="order" data-order={order.id} data-number={order.number}>
      <h2>{t('order.title', { number: order.number })}</h2>
      {order.fulfilments.map((f) => {
        const store = stores.data?.find((l) => l.id === f.locationId);
        // A local delivery's "shipped" is the rider on the way (配達中), not a parcel service.
        const status = statusKey(order, f);
        // Store pickup and mobile order (order-ahead) are both collected at the counter with the code.
        const collect = f.type === 'pickup' || f.type === 'order_ahead';
        return (
          <section key={f.id} className="card stack order-fulfilment" data-status={f.status}>
            <p>
              {t('order.status')}:{' '}
              <span
                className={`status status-${f.status}`}
                data-testid="order-status"
                data-status={f.status}
                data-returned={returnState(order)}
              >
                {status ? t(status) : t('event.other')}
              </span>
            </p>
            {f.type === 'order_ahead' && <p className="muted small">{t('order.orderAhead')}</p>}
            {f.type === 'ship' && (
              <p className="muted small" data-testid="ships-from">
                {t(order.fulfilments.length > 1 ? 'order.parcelFrom' : 'order.shipsFrom', {
                  n: order.fulfilments.indexOf(f) + 1,
                  of: order.fulfilments.length,
                  from: store?.name ?? f.locationId,
                })}
                {' — '}
                {order.lines
                  .filter((l) => l.fulfilmentId === f.id)
                  .map((l) => `${l.name} × ${l.quantity}`)
                  .join('、')}
              </p>
            )}
            {collect && (
              <dl className="facts">
                <dt>{t('order.pickupAt')}</dt>
                <dd>{store?.name ?? f.locationId}</dd>
                {f.type === 'order_ahead' && f.slotStart && (
                  <>
                    <dt>{t('order.slot')}</dt>
                    <SlotTime start={f.slotStart} kind="order_ahead" />
                  </>
                )}
                {f.deadline && (
                  <>
                    <dt>{t('order.deadline')}</dt>
                    <dd>{formatDateTime(f.deadline, lang)}</dd>
                  </>
                )}
              </dl>
            )}
            {f.type === 'delivery' && (
              <dl className="facts" data-testid="order-delivery">
                <dt>{t('order.deliveryFrom')}</dt>
                <dd>{store?.name ?? f.locationId}</dd>
                {f.slotStart && (
                  <>
                    <dt>{t('order.deliveryWindow')}</dt>
                    <SlotTime start={f.slotStart} kind="delivery" />
                  </>
                )}
                {f.address && (
                  <>
                    <dt>{t('order.deliveryTo')}</dt>
                    <dd>{formatAddress(f.address)}</dd>
                  </>
                )}
              </dl>
            )}
            {collect && f.status === 'ready' && f.pickupCode && (
              <div className="pickup-code stack">
                <p>{t('order.readyLead')}</p>
                <div className="member-qr-frame">
                  <MemberQr code={f.pickupCode} label={t('order.qrLabel', { code: f.pickupCode })} />
                </div>
                <p className="pickup-code-text">
                  <span className="muted">{t('order.pickupCode')}</span>
                  <span className="mono" data-testid="pickup-code">
                    {f.pickupCode}
                  </span>
                </p>
              </div>
            )}
            {collect && (f.status === 'placed' || f.status === 'picking') && (
              <p className="muted small">{live ? t('order.waiting') : t('order.guestNote')}</p>
            )}
          </section>
        );
      })}
      <section className="card stack">
        <h3>{t('order.lines')}</h3>
        <ul className="plain-list">
          {order.lines.map((l) => (
            <li key={l.id} data-reduced={String(l.taxRate === 8)}>
              {l.name}
              {l.taxRate === 8 && <span className="receipt-mark">※</span>} × {l.quantity} — {plainYen(l.total)}
              {l.returnedQuantity > 0 && (
                <span className="status status-cancelled small" data-testid="line-returned">
                  {' '}
                  {t('order.returnedLine', { n: l.returnedQuantity })}
                </span>
              )}
              {isHers && order.status === 'completed' && l.returnedQuantity < l.quantity && (
                <>
                  {' '}
                  <Link
                    className="small"
                    href={`/shop/products/${encodeURIComponent(l.productId)}?review=1#write-review`}
                  >
                    {t('reviews.orders.lineLink')}
                  </Link>
                </>
              )}
            </li>
          ))}
        </ul>
        <Totals
          {...order}
          showShipping={order.shippingFee > 0}
          feeLabel={order.fulfilments.some((f) => f.type === 'delivery') ? 'cart.deliveryFee' : 'cart.shipping'}
        />
        <dl className="facts small">
          {order.payments.map((p) => {
            const k = `payment.${p.method}`;
            return (
              <div key={p.id} className="facts-row">
                <dt>{isMessageKey(k) ? t(k) : p.method}</dt>
                <dd>{plainYen(p.amount)}</dd>
              </div>
            );
          })}
          {order.pointsEarned > 0 && (
            <div className="facts-row">
              <dt>{t('order.pointsEarned')}</dt>
              <dd>{t('cart.pointsValue', { n: order.pointsEarned })}</dd>
            </div>
          )}
        </dl>
        <Issuer reduced={order.lines.some((l) => l.taxRate === 8)} />
      </section>
    </div>
  );
}

/**
 * Who issues the order's invoice (適格簡易請求書): the business and its registration number (GET /api/business,
 * public), with the reduced-rate note when a line is marked ※. Nothing when the business has not been set up.
 */
function Issuer({ reduced }: { reduced: boolean }) {
  const t = useT();
  const business = useQuery({
    queryKey: ['business'],
    queryFn: () => call(api.GET('/api/business')),
    staleTime: 10 * 60_000,
  });
  const b = business.data;
  return (
    <div className="muted small" data-testid="order-issuer">
      {reduced && <p>{t('order.reducedNote')}</p>}
      {b?.name && (
        <p>
          {t('order.issuer', { name: b.name })}
          {b.registrationNumber && (
            <>
              {' '}
              <span data-testid="order-registration">
                {t('receipt.registration', { number: b.registrationNumber })}
              </span>
            </>
          )}
        </p>
      )}
    </div>
  );
}

/** A pickup slot or delivery window: its start date and time, and when it ends. */
function SlotTime({ start, kind }: { start: string; kind: keyof typeof SLOT_MINUTES }) {
  const lang = useLang();
  const end = new Date(Date.parse(start) + SLOT_MINUTES[kind] * 60_000).toISOString();
  return (
    <dd data-testid="order-slot" data-slot={start}>
      {formatDateTime(start, lang)}〜{formatTime(end)}
    </dd>
  );
}
