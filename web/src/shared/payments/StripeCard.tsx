import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { useLang, useT } from '../i18n';

/** The little of Stripe.js this screen uses (https://docs.stripe.com/js). */
interface StripeJs {
  elements(): { create(type: 'card', opts?: object): CardElement };
  confirmCardPayment(
    clientSecret: string,
    data: { payment_method: { card: CardElement } },
  ): Promise<{ paymentIntent?: { id: string; status: string }; error?: StripeJsError }>;
}
interface CardElement {
  mount(el: HTMLElement): void;
  destroy(): void;
}
interface StripeJsError {
  type?: string;
  code?: string;
  decline_code?: string;
  payment_intent?: { id: string; status: string };
}
declare global {
  interface Window {
    Stripe?: (publishableKey: string, opts?: { locale?: string }) => StripeJs;
  }
}

/** Stripe.js is loaded once per page, from where the server says (STRIPE_JS_URL, allowed by the CSP). */
let loading: Promise<void> | null = null;
function loadStripeJs(src: string): Promise<void> {
  if (window.Stripe) return Promise.resolve();
  loading ??= new Promise<void>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => {
      loading = null;
      reject(new Error('Stripe.js did not load'));
    };
    document.head.appendChild(script);
  });
  return loading;
}

/** Stripe's card field is not on the page (its script did not load): said as a problem, as the server's are. */
export function stripeUnavailable(title: string): ApiError {
  return new ApiError({ type: 'about:blank', title, status: 503, detail: '', code: 'stripe.unavailable' });
}

export interface StripeCardHandle {
  /** Confirm the intent with the card typed into Stripe's field (3-D Secure shown by Stripe.js when the issuer asks). */
  confirm(clientSecret: string): Promise<string>;
}

/**
 * The card field when Stripe is the acquirer: Stripe Elements mounted in our form, so the card number is
 * typed into Stripe's own field and never reaches our server. `handle` is set once the field is ready.
 */
export function StripeCard({
  publishableKey,
  scriptUrl,
  handle,
}: {
  publishableKey: string;
  scriptUrl: string;
  handle: { current: StripeCardHandle | null };
}) {
  const t = useT();
  const lang = useLang();
  const mountAt = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let card: CardElement | null = null;
    let cancelled = false;
    loadStripeJs(scriptUrl)
      .then(() => {
        if (cancelled || !mountAt.current || !window.Stripe) return;
        const stripe = window.Stripe(publishableKey, { locale: lang });
        card = stripe.elements().create('card', { hidePostalCode: true });
        card.mount(mountAt.current);
        handle.current = {
          async confirm(clientSecret) {
            const result = await stripe.confirmCardPayment(clientSecret, { payment_method: { card: card! } });
            // Confirmed already (her earlier try's answer was lost), or captured already (a top-up the
            // webhook completed meanwhile): the payment stands.
            const done = result.error?.payment_intent;
            if (done?.status === 'requires_capture' || done?.status === 'succeeded') return done.id;
            if (result.error || !result.paymentIntent) throw declined(result.error ?? {}, t);
            return result.paymentIntent.id;
          },
        };
      })
      .catch(() => setFailed(true));
    return () => {
      cancelled = true;
      handle.current = null;
      card?.destroy();
    };
  }, [publishableKey, scriptUrl, lang, handle, t]);

  return (
    <div className="field">
      <span className="field-label">{t('checkout.cardDetails')}</span>
      <div ref={mountAt} className="stripe-card" data-testid="stripe-card" />
      {failed && (
        <p className="field-error" role="alert">
          {t('checkout.stripeUnavailable')}
        </p>
      )}
    </div>
  );
}

/** Stripe.js's error as our problem, in the screen's language (never Stripe's own English text). */
function declined(e: StripeJsError, t: ReturnType<typeof useT>): ApiError {
  const reason =
    e.decline_code === 'insufficient_funds'
      ? 'checkout.declined.insufficientFunds'
      : e.code === 'incorrect_number' || e.code === 'invalid_number'
        ? 'checkout.declined.number'
        : e.code === 'expired_card'
          ? 'checkout.declined.expired'
          : e.code === 'incorrect_cvc' || e.code === 'invalid_cvc'
            ? 'checkout.declined.cvc'
            : e.code === 'payment_intent_authentication_failure'
              ? 'checkout.declined.authentication'
              : e.type === 'card_error'
                ? 'checkout.declined.other'
                : 'checkout.declined.unconfirmed';
  return new ApiError({
    type: 'about:blank',
    title: t('checkout.declined.title'),
    status: 402,
    detail: t(reason),
    code: 'payment.declined',
  });
}
