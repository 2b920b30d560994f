import { useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { useAttemptKey } from '../shared/api/attempt';
import type { TopUpResult } from '../shared/api/types';
import { formatAmount } from '../shared/format';
import { useT } from '../shared/i18n';
import { Button, ProblemBanner, SuccessBanner, TextField, fieldError, problemOf } from '../shared/ui';
import { StripeCard, stripeUnavailable, type StripeCardHandle } from '../shared/payments/StripeCard';

const QUICK = [1000, 3000, 5000, 10000] as const;
const digits = (s: string) => Number(s.normalize('NFKC').replace(/[^\d]/g, '')) || 0;

/** A Stripe top-up begun and not yet credited: another card is confirmed against the same one. */
interface Started {
  amount: number;
  topUpId: string;
  clientSecret: string;
  /** Its confirmation window's end (ms): after it the intent is cancelled, so a new top-up is begun. */
  until: number;
}

/** The top-up is over on the server (cancelled, timed out): the next try begins a new one. */
const finished = (err: unknown) => ['wallet.top_up_failed', 'top_up.expired'].includes(problemOf(err)?.code ?? '');

/**
 * 「チャージする」 on her wallet screen: an amount and a card, through the same card acquirer and card field
 * as checkout. With the test acquirer the number goes in one call. With Stripe the card is typed into
 * Stripe's own field (StripeCard, as at checkout): the top-up is begun (its room held), Stripe.js confirms
 * the card (3-D Secure when asked), then the top-up is completed — captured and credited once. A declined
 * card keeps the top-up begun: another card confirms the same one. Not offered when no acquirer is
 * configured. One Idempotency-Key per attempt: a double-tap is one charge.
 */
export function WalletTopUp() {
  const t = useT();
  const qc = useQueryClient();
  const options = useQuery({
    queryKey: ['account', 'wallet', 'top-up-options'],
    queryFn: () => call(api.GET('/api/account/wallet/top-up-options')),
  });
  const [open, setOpen] = useState(false);
  const [amount, setAmount] = useState('');
  const [cardNumber, setCardNumber] = useState('');
  const [done, setDone] = useState<TopUpResult | null>(null);
  const key = useAttemptKey();
  const stripeCard = useRef<StripeCardHandle | null>(null);
  const started = useRef<Started | null>(null);
  const yen = digits(amount);
  const stripe = options.data?.stripe ?? null;

  async function withStripe(): Promise<TopUpResult> {
    const card = stripeCard.current;
    if (!card) throw stripeUnavailable(t('checkout.stripeUnavailable'));
    let begun = started.current;
    if (!begun || begun.amount !== yen || Date.now() > begun.until - 30_000) {
      const r = await call(
        api.POST('/api/account/wallet/top-ups/card-payment', {
          params: { header: { 'idempotency-key': key.current } },
          body: { amount: yen },
        }),
      );
      begun = started.current = {
        amount: yen,
        topUpId: r.topUpId,
        clientSecret: r.clientSecret,
        until: Date.parse(r.confirmUntil),
      };
    }
    await card.confirm(begun.clientSecret);
    try {
      const done = await call(
        api.POST('/api/account/wallet/top-ups/{id}/complete', { params: { path: { id: begun.topUpId } } }),
      );
      started.current = null;
      return done;
    } catch (err) {
      if (finished(err)) started.current = null;
      throw err;
    }
  }

  const submit = useMutation({
    mutationFn: () =>
      stripe
        ? withStripe()
        : call(
            api.POST('/api/account/wallet/top-ups', {
              params: { header: { 'idempotency-key': key.current } },
              body: { amount: yen, card: { number: cardNumber.replace(/[\s-]/g, '') } },
            }),
          ),
    onSettled: (_data, error) => key.settled(error),
    onSuccess: (r) => {
      setDone(r);
      setOpen(false);
      setAmount('');
      setCardNumber('');
      void qc.invalidateQueries({ queryKey: ['account', 'wallet'] });
    },
  });
  const o = options.data;
  if (!o) return null;
  if (!o.card)
    return (
      <p className="muted small wallet-topup" data-testid="wallet-topup-unavailable">
        {t('topUp.app.noCard')}
      </p>
    );
  const room = Math.max(Math.min(o.maxTopUp, o.maxBalance - o.balance), 0);
  return (
    <section className="card stack wallet-topup" data-testid="wallet-topup" aria-labelledby="wallet-topup-title">
      {done && (
        <SuccessBanner>
          <span data-testid="wallet-topup-done">
            {t('topUp.app.done', { amount: formatAmount(done.topUp.amount), balance: formatAmount(done.balance) })}
          </span>
        </SuccessBanner>
      )}
      {!open ? (
        <div>
          <Button
            variant="primary"
            size="lg"
            onClick={() => {
              setDone(null);
              setOpen(true);
            }}
            disabled={room <= 0}
            data-testid="wallet-topup-open"
          >
            {t('topUp.app.open')}
          </Button>
          <p className="muted small">
            {room > 0 ? t('topUp.app.room', { amount: formatAmount(room) }) : t('topUp.app.full')}
          </p>
        </div>
      ) : (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (yen > 0 && !submit.isPending) submit.mutate();
          }}
        >
          <h2 id="wallet-topup-title">{t('topUp.app.title')}</h2>
          <div className="quick-amounts" role="group" aria-label={t('topUp.amount')}>
            {QUICK.map((a) => (
              <Button
                key={a}
                variant={yen === a ? 'primary' : 'secondary'}
                aria-pressed={yen === a}
                disabled={a > room}
                onClick={() => setAmount(String(a))}
              >
                {formatAmount(a)}
              </Button>
            ))}
          </div>
          <TextField
            label={t('topUp.amountOther')}
            inputMode="numeric"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            hint={t('topUp.app.room', { amount: formatAmount(room) })}
            error={fieldError(submit.error, 'amount')}
            data-testid="wallet-topup-amount"
          />
          {stripe ? (
            <StripeCard publishableKey={stripe.publishableKey} scriptUrl={stripe.scriptUrl} handle={stripeCard} />
          ) : (
            <TextField
              label={t('checkout.cardNumber')}
              inputMode="numeric"
              autoComplete="cc-number"
              required
              placeholder="4242 4242 4242 4242"
              value={cardNumber}
              onChange={(e) => setCardNumber(e.target.value)}
              hint={o.testCards ? t('checkout.cardHint') : undefined}
              error={fieldError(submit.error, 'card.number')}
              data-testid="wallet-topup-card"
            />
          )}
          <ProblemBanner error={submit.error} />
          <div className="row-actions">
            <Button variant="ghost" onClick={() => setOpen(false)}>
              {t('topUp.cancel')}
            </Button>
            <Button
              type="submit"
              variant="primary"
              size="lg"
              disabled={yen <= 0}
              busy={submit.isPending}
              data-testid="wallet-topup-confirm"
            >
              {t('topUp.app.confirm', { amount: formatAmount(yen) })}
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}
