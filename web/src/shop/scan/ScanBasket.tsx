import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import { describeOptions } from '../../shared/format';
import { useT } from '../../shared/i18n';
import { Button, ProblemBanner, TextField, fieldError } from '../../shared/ui';
import { plainYen } from '../../shared/ui/Totals';
import type { Paid } from './ExitPass';

type Method = 'wallet' | 'card';

/**
 * Her スキャン＆ゴー basket at this store (kept on the server: it survives a reload and another device), and
 * paying it: points, then her wallet or a card. The basket is what makes a double tap one sale.
 */
export function ScanBasket({ storeId, onPaid }: { storeId: string; onPaid: (paid: Paid) => void }) {
  const t = useT();
  const qc = useQueryClient();
  const queryKey = ['account', 'scan-and-go', storeId];
  const basket = useQuery({
    queryKey,
    queryFn: () =>
      call(api.GET('/api/account/scan-and-go/{locationId}', { params: { path: { locationId: storeId } } })),
  });
  const methods = useQuery({
    queryKey: ['checkout', 'payment-methods'],
    queryFn: () => call(api.GET('/api/checkout/payment-methods')),
    staleTime: 300_000,
  });
  const wallet = useQuery({
    queryKey: ['account', 'wallet-balance'],
    queryFn: () => call(api.GET('/api/account/wallet', { params: { query: { limit: 1 } } })),
  });
  // A card confirmed in the browser (Stripe) is not offered by scan-and-go: wallet and points only then.
  const cardOk = !!methods.data?.card && !methods.data.stripe;
  const [method, setMethod] = useState<Method>('wallet');
  const [cardNumber, setCardNumber] = useState('');
  const [points, setPoints] = useState('0');
  const remove = useMutation({
    mutationFn: (variantId: string) =>
      call(
        api.DELETE('/api/account/scan-and-go/{locationId}/lines/{variantId}', {
          params: { path: { locationId: storeId, variantId } },
        }),
      ),
    onSuccess: (b) => qc.setQueryData(queryKey, b),
  });
  const pay = useMutation({
    mutationFn: (basketId: string) =>
      call(
        api.POST('/api/account/scan-and-go/baskets/{basketId}/pay', {
          params: { path: { basketId } },
          body: {
            method,
            usePoints: Number(points) || 0,
            ...(method === 'card' ? { card: { number: cardNumber.replace(/[\s-]/g, '') } } : {}),
          },
        }),
      ),
    onSuccess: (paid) => {
      void qc.invalidateQueries({ queryKey: ['account'] });
      onPaid(paid);
    },
  });
  const b = basket.data;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (b?.id && !pay.isPending) pay.mutate(b.id);
  };
  const usePoints = Math.min(Number(points) || 0, b?.total ?? 0);

  return (
    <section className="card stack scan-basket" aria-labelledby="scan-basket-title" data-testid="scan-basket">
      <h2 id="scan-basket-title">{t('scanGo.basket')}</h2>
      <ProblemBanner error={basket.error ?? remove.error} />
      {b && !b.lines.length && <p className="muted">{t('scanGo.basketEmpty')}</p>}
      {b && b.lines.length > 0 && (
        <form className="stack" onSubmit={submit}>
          <ul className="plain-list scan-basket-lines">
            {b.lines.map((l) => (
              <li key={l.variantId} data-testid="scan-basket-line" data-variant={l.variantId}>
                <span className="scan-basket-name">
                  {l.name}
                  {Object.keys(l.options).length > 0 && (
                    <span className="muted small"> {describeOptions(l.options)}</span>
                  )}
                </span>
                <span>{t('scanGo.qty', { n: l.quantity })}</span>
                <span>{plainYen(l.total)}</span>
                <Button
                  variant="ghost"
                  aria-label={t('scanGo.remove', { name: l.name })}
                  onClick={() => remove.mutate(l.variantId)}
                >
                  {t('scanGo.removeShort')}
                </Button>
              </li>
            ))}
          </ul>
          <p className="scan-basket-total">
            {t('scanGo.total')}: <strong data-testid="scan-basket-total">{plainYen(b.total)}</strong>
          </p>
          <p className="muted small">{t('scanGo.pointsToEarn', { n: b.pointsToEarn })}</p>
          <fieldset className="pay-methods">
            <legend>{t('checkout.payment')}</legend>
            <label>
              <input type="radio" name="sg-method" checked={method === 'wallet'} onChange={() => setMethod('wallet')} />{' '}
              {t('checkout.wallet')}
              {wallet.data && <span className="muted small"> （{plainYen(wallet.data.balance)}）</span>}
            </label>
            {cardOk && (
              <label>
                <input type="radio" name="sg-method" checked={method === 'card'} onChange={() => setMethod('card')} />{' '}
                {t('checkout.card')}
              </label>
            )}
          </fieldset>
          {method === 'card' && cardOk && (
            <TextField
              label={t('checkout.cardNumber')}
              inputMode="numeric"
              autoComplete="cc-number"
              required
              placeholder="4242 4242 4242 4242"
              value={cardNumber}
              onChange={(e) => setCardNumber(e.target.value)}
              hint={methods.data?.testCards ? t('checkout.cardHint') : undefined}
              error={fieldError(pay.error, 'card.number')}
            />
          )}
          <TextField
            label={t('checkout.points')}
            type="number"
            min={0}
            max={b.total}
            inputMode="numeric"
            value={points}
            onChange={(e) => setPoints(e.target.value)}
            hint={t('checkout.pointsHint')}
            error={fieldError(pay.error, 'usePoints')}
          />
          <ProblemBanner error={pay.error} />
          <Button type="submit" variant="primary" size="lg" busy={pay.isPending} data-testid="scan-go-pay">
            {pay.isPending ? t('scanGo.paying') : t('scanGo.pay', { total: plainYen(b.total - usePoints) })}
          </Button>
        </form>
      )}
    </section>
  );
}
