import { useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCustomerSession } from '../shared/customer/session';
import { useLocations } from '../shared/locations';
import { api, call } from '../shared/api/client';
import { useAttemptKey } from '../shared/api/attempt';
import { formatDateTime, formatTime } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Link, navigate, withNext } from '../shared/router';
import { Button, ProblemBanner, TextField, fieldError } from '../shared/ui';
import { rememberCartId, useCart } from '../shared/cart';
import { formatAddress } from '../shared/format';
import { rememberGuestOrder } from './OrderScreen';
import { plainYen, Totals } from '../shared/ui/Totals';
import type { Order, PaymentInput } from '../shared/api/types';
import { StripeCard, stripeUnavailable, type StripeCardHandle } from '../shared/payments/StripeCard';

type Method = PaymentInput['method'];

/** /shop/checkout — payment (a card through Stripe Elements or the test card, wallet, 店頭払い for pickup), points, and a guest's contact. */
export function CheckoutScreen() {
  const t = useT();
  const lang = useLang();
  const qc = useQueryClient();
  const member = useCustomerSession();
  const cart = useCart();
  const stores = useLocations();
  // Whether cards are taken online here (an acquirer is configured), and whether it is the demo's test one.
  const methods = useQuery({
    queryKey: ['checkout', 'payment-methods'],
    queryFn: () => call(api.GET('/api/checkout/payment-methods')),
    staleTime: 300_000,
  });
  const cardOk = methods.data?.card ?? true;
  // With Stripe the card is typed into Stripe's own field (Elements) and confirmed by Stripe.js.
  const stripe = methods.data?.stripe ?? null;
  const stripeCard = useRef<StripeCardHandle | null>(null);
  const [method, setMethod] = useState<Method>('card');
  const [cardNumber, setCardNumber] = useState('');
  const [points, setPoints] = useState('0');
  const [guest, setGuest] = useState({ name: '', email: '', phone: '' });
  // One key per attempt: a retry after a lost answer reuses it, a new attempt after an answer does not.
  const key = useAttemptKey();

  /**
   * The method to pay with: the one she chose while it is offered — 店頭払い only for a pickup, a card only
   * when cards are taken — else the first that is: card, then ポイント・ウォレット (a member), then 店頭払い.
   */
  function chosenMethod(): Method {
    const isPickup = cart.data?.fulfilment?.type === 'pickup';
    const offered = (m: Method) =>
      m === 'card' ? cardOk : m === 'wallet' ? !!member : m === 'pay_at_store' ? isPickup : true;
    if (offered(method)) return method;
    return (['card', 'wallet', 'pay_at_store'] as const).find(offered) ?? method;
  }

  const place = useMutation({
    mutationFn: async (): Promise<Order> => {
      const m = chosenMethod();
      const usePoints = member ? Number(points) || 0 : 0;
      const body = (payment: PaymentInput) => ({
        payment,
        ...(usePoints > 0 ? { usePoints } : {}),
        ...(member
          ? {}
          : { guest: { name: guest.name, email: guest.email, ...(guest.phone ? { phone: guest.phone } : {}) } }),
      });
      const id = cart.data!.id;
      let payment: PaymentInput =
        m === 'card' ? { method: m, card: { number: cardNumber.replace(/[\s-]/g, '') } } : { method: m };
      if (m === 'card' && stripe) {
        const card = stripeCard.current;
        if (!card) throw stripeUnavailable(t('checkout.stripeUnavailable'));
        // The stock is held and an intent made; Stripe.js confirms it (3-D Secure when asked); then the order.
        const started = await call(
          api.POST('/api/carts/{id}/card-payment', {
            params: { path: { id } },
            headers: { 'Idempotency-Key': `${key.current}:card` },
            body: body({ method: 'card', card: {} }),
          }),
        );
        payment = { method: 'card', card: { token: await card.confirm(started.clientSecret) } };
      }
      return call(
        api.POST('/api/carts/{id}/checkout', {
          params: { path: { id } },
          headers: { 'Idempotency-Key': key.current },
          body: body(payment),
        }),
      );
    },
    onSettled: (_d, err) => key.settled(err),
    onSuccess: (order) => {
      if (member) void qc.invalidateQueries({ queryKey: ['account'] });
      else {
        rememberGuestOrder(order, guest.email);
        rememberCartId(null);
      }
      navigate(`/shop/orders/${encodeURIComponent(order.id)}?placed=1`);
    },
  });

  if (cart.isPending) return <main className="page">{t('common.loading')}</main>;
  const c = cart.data;
  if (!c || c.lines.length === 0)
    return (
      <main className="page narrow">
        <h1>{t('checkout.title')}</h1>
        <ProblemBanner error={cart.error} />
        <p>{t('checkout.emptyCart')}</p>
        <Link href="/shop">{t('cart.continue')}</Link>
      </main>
    );

  const pickup = c.fulfilment?.type === 'pickup' ? c.fulfilment.locationId : null;
  const ahead =
    c.fulfilment?.type === 'order_ahead' && c.fulfilment.locationId && c.fulfilment.slotStart
      ? { locationId: c.fulfilment.locationId, slotStart: c.fulfilment.slotStart }
      : null;
  const delivery =
    c.fulfilment?.type === 'delivery' && c.fulfilment.address
      ? {
          address: c.fulfilment.address,
          locationId: c.fulfilment.locationId ?? '',
          slotStart: c.fulfilment.slotStart ?? null,
        }
      : null;
  const store = stores.data?.find((l) => l.id === (pickup ?? ahead?.locationId ?? delivery?.locationId));
  // Mobile order is paid up front: 店頭払い is not offered (the server refuses it too).
  const payMethod: Method = chosenMethod();
  const usePoints = member ? Math.min(Number(points) || 0, c.total) : 0;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    place.mutate();
  };

  return (
    <main className="page narrow shop checkout-page">
      <Link href="/shop/cart" className="back">
        ← {t('cart.title')}
      </Link>
      <h1>{t('checkout.title')}</h1>
      <form className="stack" onSubmit={submit}>
        <section className="card stack">
          <h2>{t('checkout.receive')}</h2>
          <p data-testid="receive">
            {ahead
              ? t('checkout.orderAheadAt', {
                  store: store?.name ?? ahead.locationId,
                  time: formatTime(ahead.slotStart),
                })
              : delivery
                ? t('checkout.deliveryTo', {
                    address: formatAddress(delivery.address),
                    store: store?.name ?? delivery.locationId,
                    time: delivery.slotStart
                      ? `${formatDateTime(delivery.slotStart, lang)}〜`
                      : t('checkout.deliveryNoWindow'),
                  })
                : pickup
                  ? t('checkout.pickupAt', { store: store?.name ?? pickup })
                  : c.fulfilment?.address
                    ? t('checkout.shipTo', { address: formatAddress(c.fulfilment.address) })
                    : '—'}{' '}
            <Link href="/shop/cart">{t('checkout.change')}</Link>
          </p>
          <ul className="plain-list small">
            {c.lines.map((l) => (
              <li key={l.variantId}>
                {l.name} × {l.quantity} — {plainYen(l.total - l.discount)}
              </li>
            ))}
          </ul>
          <Totals {...c} showShipping={!pickup && !ahead} feeLabel={delivery ? 'cart.deliveryFee' : 'cart.shipping'} />
        </section>

        {!member && (
          <section className="card stack">
            <h2>{t('checkout.guest')}</h2>
            <p className="muted small">
              {t('checkout.guestLead')} <Link href={withNext('/account/login')}>{t('checkout.login')}</Link>
            </p>
            <TextField
              label={t('checkout.guestName')}
              autoComplete="name"
              required
              value={guest.name}
              onChange={(e) => setGuest({ ...guest, name: e.target.value })}
              error={fieldError(place.error, 'guest.name')}
            />
            <TextField
              label={t('checkout.guestEmail')}
              type="email"
              autoComplete="email"
              required
              value={guest.email}
              onChange={(e) => setGuest({ ...guest, email: e.target.value })}
              error={fieldError(place.error, 'guest.email')}
            />
            <TextField
              label={t('checkout.guestPhone')}
              type="tel"
              autoComplete="tel"
              value={guest.phone}
              onChange={(e) => setGuest({ ...guest, phone: e.target.value })}
            />
          </section>
        )}

        <section className="card stack">
          <h2>{t('checkout.payment')}</h2>
          <fieldset className="pay-methods">
            <legend className="visually-hidden">{t('checkout.payment')}</legend>
            {cardOk && (
              <label>
                <input type="radio" name="method" checked={payMethod === 'card'} onChange={() => setMethod('card')} />{' '}
                {t('checkout.card')}
              </label>
            )}
            {member && (
              <label>
                <input
                  type="radio"
                  name="method"
                  checked={payMethod === 'wallet'}
                  onChange={() => setMethod('wallet')}
                />{' '}
                {t('checkout.wallet')}
              </label>
            )}
            {pickup && !ahead && (
              <label>
                <input
                  type="radio"
                  name="method"
                  checked={payMethod === 'pay_at_store'}
                  onChange={() => setMethod('pay_at_store')}
                />{' '}
                {t('checkout.payAtStore')}
              </label>
            )}
          </fieldset>
          {ahead && <p className="muted small">{t('checkout.orderAheadPay')}</p>}
          {!cardOk && <p className="muted small">{t('checkout.noCard')}</p>}
          {payMethod === 'card' && cardOk && stripe && (
            <StripeCard publishableKey={stripe.publishableKey} scriptUrl={stripe.scriptUrl} handle={stripeCard} />
          )}
          {payMethod === 'card' && cardOk && !stripe && (
            <TextField
              label={t('checkout.cardNumber')}
              inputMode="numeric"
              autoComplete="cc-number"
              required
              placeholder="4242 4242 4242 4242"
              value={cardNumber}
              onChange={(e) => setCardNumber(e.target.value)}
              hint={methods.data?.testCards ? t('checkout.cardHint') : undefined}
              error={fieldError(place.error, 'payment.card.number')}
            />
          )}
          {payMethod === 'pay_at_store' && <p className="muted small">{t('checkout.payAtStoreHint')}</p>}
          {member && (
            <TextField
              label={t('checkout.points')}
              type="number"
              min={0}
              max={c.total}
              inputMode="numeric"
              value={points}
              onChange={(e) => setPoints(e.target.value)}
              hint={t('checkout.pointsHint')}
              error={fieldError(place.error, 'usePoints')}
            />
          )}
        </section>

        <ProblemBanner error={place.error} />
        <p className="checkout-pay">
          {t('checkout.toPay')}: <strong data-testid="to-pay">{plainYen(c.total - usePoints)}</strong>
        </p>
        <Button
          type="submit"
          variant="primary"
          size="lg"
          busy={place.isPending}
          disabled={!c.fulfilment || (!!delivery && !delivery.slotStart)}
        >
          {t('checkout.submit')}
        </Button>
      </form>
    </main>
  );
}
