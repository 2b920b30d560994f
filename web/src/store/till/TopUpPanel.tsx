import { useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, call, newIdempotencyKey } from '../../shared/api/client';
import type { ClientelingCard, TillOfflinePack, TopUpResult } from '../../shared/api/types';
import { useT } from '../../shared/i18n';
import { Button, ProblemBanner, SuccessBanner, TextField, fieldError, problemOf } from '../../shared/ui';
import { plainYen } from '../../shared/ui/Totals';
import { TopUpSlip } from './TopUpSlip';

export const QUICK_AMOUNTS = [1000, 3000, 5000, 10000] as const;
const digits = (s: string) => Number(s.normalize('NFKC').replace(/[^\d]/g, '')) || 0;

/**
 * チャージ at the till: with a member called up, the clerk takes cash onto her wallet — amount (quick buttons
 * or typed), お預かり and おつり — and prints the チャージ控え. One client transaction id per panel, so a
 * double-tap or a retry after a lost answer is one top-up. Offline it refuses: the wallet is the server's.
 * Self-contained: TillScreen only places it.
 */
export function TopUpButton({
  member,
  offline,
  pack,
  locationId,
}: {
  member: ClientelingCard | null;
  offline: boolean;
  pack: TillOfflinePack | null;
  locationId: string;
}) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<TopUpResult | null>(null);
  if (!member) return null;
  return (
    <>
      {!open && (
        <Button size="lg" onClick={() => setOpen(true)} data-testid="till-topup-open">
          {t('topUp.till.open')}
        </Button>
      )}
      {open && (
        <TopUpForm
          member={member}
          offline={offline}
          locationId={locationId}
          onCancel={() => setOpen(false)}
          onDone={(r) => {
            setOpen(false);
            setDone(r);
          }}
        />
      )}
      {done &&
        createPortal(
          <TopUpDone result={done} member={member} pack={pack} onClose={() => setDone(null)} />,
          document.body,
        )}
    </>
  );
}

function TopUpForm({
  member,
  offline,
  locationId,
  onCancel,
  onDone,
}: {
  member: ClientelingCard;
  offline: boolean;
  locationId: string;
  onCancel: () => void;
  onDone: (r: TopUpResult) => void;
}) {
  const t = useT();
  const [amount, setAmount] = useState('');
  const [received, setReceived] = useState('');
  // The till's id for this top-up: kept for every tap and retry of this panel.
  const txn = useRef(newIdempotencyKey());
  const rules = useQuery({
    queryKey: ['loyalty', 'rules'],
    queryFn: () => call(api.GET('/api/loyalty/rules')),
    staleTime: 300_000,
    enabled: !offline,
  });
  const yen = digits(amount);
  const cash = received.trim() ? digits(received) : yen;
  const short = yen > 0 && cash < yen;
  // A double-tap lands before React re-renders the button busy: the second tap is dropped here (and would
  // be one top-up at the server anyway, by the transaction id).
  const sending = useRef(false);
  const submit = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/wallet/top-ups', {
          body: {
            customerId: member.customer.id,
            locationId,
            amount: yen,
            cashReceived: cash,
            clientTransactionId: txn.current,
          },
        }),
      ),
    onSuccess: onDone,
    onError: (err) => {
      // A refusal is an answer: the next confirm is a new attempt. A lost answer keeps the id (replayed).
      if (problemOf(err)?.status !== 0) txn.current = newIdempotencyKey();
    },
  });
  const name = member.customer.name ?? member.customer.memberNumber;
  return (
    <section className="card stack till-topup" data-testid="till-topup" aria-labelledby="till-topup-title">
      <h2 id="till-topup-title">{t('topUp.till.title')}</h2>
      {offline ? (
        <p className="banner banner-warn" role="alert" data-testid="till-topup-offline">
          {t('topUp.till.offline')}
        </p>
      ) : (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (yen <= 0 || short || sending.current) return;
            sending.current = true;
            submit.mutate(undefined, { onSettled: () => (sending.current = false) });
          }}
        >
          <p>{t('topUp.till.member', { name })}</p>
          <div className="quick-amounts" role="group" aria-label={t('topUp.amount')}>
            {QUICK_AMOUNTS.map((a) => (
              <Button
                key={a}
                size="lg"
                variant={yen === a ? 'primary' : 'secondary'}
                aria-pressed={yen === a}
                onClick={() => setAmount(String(a))}
              >
                {plainYen(a)}
              </Button>
            ))}
          </div>
          <TextField
            label={t('topUp.amountOther')}
            inputMode="numeric"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            data-testid="till-topup-amount"
            hint={
              rules.data
                ? t('topUp.limits', {
                    max: plainYen(rules.data.wallet.maxTopUp),
                    cap: plainYen(rules.data.wallet.maxBalance),
                  })
                : undefined
            }
            error={fieldError(submit.error, 'amount')}
          />
          <TextField
            label={t('topUp.cashReceived')}
            inputMode="numeric"
            value={received}
            placeholder={yen ? String(yen) : ''}
            onChange={(e) => setReceived(e.target.value)}
            data-testid="till-topup-received"
            hint={t('topUp.cashReceivedHint')}
            error={short ? t('topUp.short') : fieldError(submit.error, 'cashReceived')}
          />
          <p className="till-topup-change" data-testid="till-topup-change">
            {t('topUp.change')} <strong>{plainYen(Math.max(cash - yen, 0))}</strong>
          </p>
          <ProblemBanner error={submit.error} />
          <div className="row-actions">
            <Button
              type="submit"
              variant="primary"
              size="lg"
              disabled={yen <= 0 || short}
              busy={submit.isPending}
              data-testid="till-topup-confirm"
            >
              {t('topUp.confirm', { amount: plainYen(yen) })}
            </Button>
            <Button size="lg" variant="ghost" onClick={onCancel}>
              {t('topUp.cancel')}
            </Button>
          </div>
        </form>
      )}
      {offline && (
        <Button size="lg" variant="ghost" onClick={onCancel}>
          {t('topUp.cancel')}
        </Button>
      )}
    </section>
  );
}

/** After the top-up: the slip on screen, 印刷 (the slip is the only thing printed) and back to the till. */
function TopUpDone({
  result,
  member,
  pack,
  onClose,
}: {
  result: TopUpResult;
  member: ClientelingCard;
  pack: TillOfflinePack | null;
  onClose: () => void;
}) {
  const t = useT();
  return (
    <div className="topup-done" data-testid="till-topup-done">
      <div className="page store till-screen till-done">
        <div className="section-head no-print">
          <h1>{t('topUp.till.title')}</h1>
          <div className="till-done-actions">
            <Button onClick={() => window.print()} size="lg">
              {t('till.print')}
            </Button>
            <Button variant="primary" onClick={onClose} size="lg" autoFocus data-testid="till-topup-close">
              {t('topUp.close')}
            </Button>
          </div>
        </div>
        <div className="no-print">
          <SuccessBanner>{t('topUp.done', { amount: plainYen(result.topUp.amount) })}</SuccessBanner>
          {result.replayed && <p className="banner banner-info">{t('topUp.replayed')}</p>}
        </div>
        <TopUpSlip result={result} memberNumber={member.customer.memberNumber} header={pack} />
      </div>
    </div>
  );
}
