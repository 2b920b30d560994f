import { useState } from 'react';
import type { Order } from '../shared/api/types';
import { useT } from '../shared/i18n';
import { Button, TextField } from '../shared/ui';
import { plainYen } from '../shared/ui/Totals';

export type HoldPayment =
  | { method: 'cash'; amount: number; tendered: number }
  | { method: 'terminal'; amount: number; reference: string; brand: string };

/** What is still owed on an order: a hold is paid at the counter, so usually all of it. */
export function amountDue(order: Order): number {
  const settled = order.payments
    .filter((p) => p.status !== 'voided' && p.status !== 'refunded')
    .reduce((s, p) => s + p.amount, 0);
  return Math.max(0, order.total - settled);
}

/**
 * 取り置きの受け渡し: she pays at the counter as she collects it — cash (with the change worked out) or the
 * card terminal (its approval number) — and the hold becomes a store sale with her points earned.
 */
export function HoldHandover({
  order,
  busy,
  onPay,
  onBack,
}: {
  order: Order;
  busy: boolean;
  onPay: (payments: HoldPayment[]) => void;
  onBack: () => void;
}) {
  const t = useT();
  const due = amountDue(order);
  const [method, setMethod] = useState<'cash' | 'terminal'>('cash');
  const [tendered, setTendered] = useState(String(due));
  const [reference, setReference] = useState('');
  const [brand, setBrand] = useState('VISA');
  const received = Number(tendered.replace(/[^\d]/g, '')) || 0;
  const ready = due === 0 || (method === 'cash' ? received >= due : reference.trim() && brand.trim());

  const pay = () => {
    if (due === 0) return onPay([]);
    onPay([
      method === 'cash'
        ? { method: 'cash', amount: due, tendered: received }
        : { method: 'terminal', amount: due, reference: reference.trim(), brand: brand.trim() },
    ]);
  };

  return (
    <form
      className="hold-handover stack"
      aria-label={t('store.pickups.hold.payTitle')}
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) pay();
      }}
    >
      <strong data-testid="hold-due">{t('store.pickups.hold.due', { amount: plainYen(due) })}</strong>
      {due > 0 && (
        <>
          <div className="button-row" role="radiogroup" aria-label={t('store.pickups.hold.payTitle')}>
            {(['cash', 'terminal'] as const).map((m) => (
              <label key={m} className="choice">
                <input type="radio" name={`pay-${order.id}`} checked={method === m} onChange={() => setMethod(m)} />{' '}
                {t(`store.pickups.hold.${m}`)}
              </label>
            ))}
          </div>
          {method === 'cash' ? (
            <>
              <TextField
                label={t('store.pickups.hold.tendered')}
                inputMode="numeric"
                value={tendered}
                onChange={(e) => setTendered(e.target.value)}
              />
              {received >= due && (
                <span className="muted">{t('store.pickups.hold.change', { amount: plainYen(received - due) })}</span>
              )}
            </>
          ) : (
            <>
              <TextField
                label={t('store.pickups.hold.reference')}
                value={reference}
                onChange={(e) => setReference(e.target.value)}
              />
              <TextField
                label={t('store.pickups.hold.brand')}
                value={brand}
                onChange={(e) => setBrand(e.target.value)}
              />
            </>
          )}
        </>
      )}
      <div className="button-row">
        <Button type="submit" variant="primary" size="lg" busy={busy} disabled={!ready}>
          {t('store.pickups.hold.paid')}
        </Button>
        <Button variant="ghost" onClick={onBack}>
          {t('store.pickups.hold.back')}
        </Button>
      </div>
    </form>
  );
}
