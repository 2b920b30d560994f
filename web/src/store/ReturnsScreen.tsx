import { useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { useAttemptKey } from '../shared/api/attempt';
import { describeOptions, formatDateTime } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Button, DataTable, ProblemBanner, SelectField, SuccessBanner, TextField, fieldError } from '../shared/ui';
import { plainYen } from '../shared/ui/Totals';
import type { Order, OrderLine, ReturnView } from '../shared/api/types';
import { ReturnPaper, type Paper } from './ReturnPaper';
import { ScanBox } from './ScanBox';
import { isChainWide, type Session } from '../shared/staff-session';

type Condition = ReturnView['lines'][number]['condition'];
type RefundMethod = ReturnView['refundMethod'];

const REASONS = [
  'store.returns.reason.size',
  'store.returns.reason.defect',
  'store.returns.reason.image',
  'store.returns.reason.changed',
] as const;
const BY_METHOD = ['cash', 'card', 'wallet', 'points'] as const;

/** Handed over and not yet returned: what may still come back of a line. */
function returnable(order: Order, line: OrderLine): number {
  const f = order.fulfilments.find((x) => x.id === line.fulfilmentId);
  const left =
    f && ['picked_up', 'shipped', 'delivered', 'completed'].includes(f.status)
      ? line.quantity - line.returnedQuantity
      : 0;
  return order.status === 'cancelled' ? 0 : Math.max(0, left);
}

/**
 * /store/:id/returns — 返品: the order the customer brings back (the number on her receipt or order page,
 * typed or scanned, from any store or the web shop), how many of each line and in what state, why, and
 * how the money goes back; the answer says what to hand over at the counter.
 */
export function ReturnsScreen({ session, locationId }: { session: Session; locationId: string }) {
  const t = useT();
  const lang = useLang();
  const inputRef = useRef<HTMLInputElement>(null);
  const [number, setNumber] = useState<string | null>(null);
  const [qty, setQty] = useState<Record<string, number>>({});
  const [condition, setCondition] = useState<Record<string, Condition>>({});
  const [reason, setReason] = useState('');
  const [refundMethod, setRefundMethod] = useState<RefundMethod>('original');
  const key = useAttemptKey();
  const [paper, setPaper] = useState<Paper | null>(null);

  const found = useQuery({
    queryKey: ['return-lookup', number],
    queryFn: () => call(api.GET('/api/returns/lookup', { params: { query: { number: number! } } })),
    enabled: !!number,
  });
  const order = found.data?.order;
  // A receipt is reissued by the store that sold (or handed over) the order, or by head office; a return is
  // taken anywhere, but another store's sale stays with that store.
  const ownSale =
    !!order && (isChainWide(session) || (order.locationId ?? order.fulfilments[0]?.locationId) === locationId);

  const submit = useMutation({
    mutationFn: () => {
      const lines = Object.entries(qty)
        .filter(([, n]) => n > 0)
        .map(([orderLineId, quantity]) => ({
          orderLineId,
          quantity,
          condition: condition[orderLineId] ?? 'resellable',
        }));
      return call(
        api.POST('/api/orders/{id}/returns', {
          params: { path: { id: order!.id } },
          headers: { 'Idempotency-Key': key.current },
          body: { lines, locationId, reason: reason.trim(), refundMethod },
        }),
      );
    },
    // A lost answer (status 0) is retried with the same key; anything else starts a new return.
    onSettled: (_d, err) => key.settled(err),
    onSuccess: (r) => {
      setQty({});
      void found.refetch();
      // The refund slip goes over the counter with the money: shown at once, ready to print.
      setPaper({ kind: 'slip', returnId: r.return.id, reissue: false });
    },
  });

  const lookUp = (raw: string) => {
    submit.reset();
    setQty({});
    setCondition({});
    setNumber(raw.trim());
  };
  const chosen = Object.values(qty).reduce((s, n) => s + n, 0);
  const go = (e: FormEvent) => {
    e.preventDefault();
    submit.mutate();
  };
  const done = submit.data?.return;

  if (paper) return <ReturnPaper paper={paper} locationId={locationId} onBack={() => setPaper(null)} />;
  return (
    <main className="page store returns-page">
      <h1>{t('store.returns.title')}</h1>
      <ScanBox
        onScan={lookUp}
        inputRef={inputRef}
        id="return-order-number"
        label={t('store.returns.number')}
        placeholder="S-001234"
        hint={t('store.returns.numberHint')}
        submitLabel={t('store.returns.find')}
        inputMode="text"
        normalise={(raw) => raw.normalize('NFKC').trim().toUpperCase()}
        catchKeys={/^[SWsw]$/}
      />
      <ProblemBanner error={found.error} />
      {done && (
        <SuccessBanner>
          <span data-testid="return-done" data-total={done.refundTotal}>
            {t('store.returns.done', { amount: plainYen(done.refundTotal) })}{' '}
            {BY_METHOD.filter((m) => done.byMethod[m] > 0)
              .map((m) => t(`store.returns.by.${m}`, { amount: plainYen(done.byMethod[m]) }))
              .join('・')}
            {done.pointsReversed > 0 && ` ${t('store.returns.pointsReversed', { n: done.pointsReversed })}`}
          </span>
        </SuccessBanner>
      )}
      {order && (
        <form className="card stack" onSubmit={go} data-testid="return-order" data-order={order.number}>
          <div className="section-head">
            <h2>{t('order.title', { number: order.number })}</h2>
            {ownSale && (
              <Button onClick={() => setPaper({ kind: 'receipt', orderId: order.id })} data-testid="return-reprint">
                {t('store.returns.reprint')}
              </Button>
            )}
          </div>
          <p className="muted small">
            {formatDateTime(order.createdAt, lang)} ·{' '}
            {order.customer
              ? t('store.pickups.honorific', { name: order.customer.name ?? order.customer.memberNumber })
              : (order.guest?.name ?? t('store.pickups.guest'))}{' '}
            · {plainYen(order.total)}
          </p>
          <DataTable<OrderLine>
            columns={[
              {
                key: 'name',
                header: t('store.pickups.lines'),
                cell: (l) => (
                  <>
                    {l.name} {describeOptions(l.options)}
                    <div className="mono small muted">{l.jan}</div>
                  </>
                ),
              },
              {
                key: 'bought',
                header: t('store.returns.bought'),
                align: 'end',
                cell: (l) => `${l.quantity}（${plainYen(l.total)}）`,
              },
              { key: 'returned', header: t('store.returns.returned'), align: 'end', cell: (l) => l.returnedQuantity },
              {
                key: 'qty',
                header: t('store.returns.quantity'),
                cell: (l) => {
                  const max = returnable(order, l);
                  return max === 0 ? (
                    <span className="muted small">{t('store.returns.notReturnable')}</span>
                  ) : (
                    <input
                      type="number"
                      className="qty-small"
                      min={0}
                      max={max}
                      value={qty[l.id] ?? 0}
                      aria-label={t('store.returns.quantityOf', { name: l.name })}
                      onChange={(e) =>
                        setQty({ ...qty, [l.id]: Math.max(0, Math.min(max, Number(e.target.value) || 0)) })
                      }
                    />
                  );
                },
              },
              {
                key: 'condition',
                header: t('store.returns.condition'),
                cell: (l) =>
                  returnable(order, l) > 0 && (
                    <select
                      aria-label={t('store.returns.conditionOf', { name: l.name })}
                      value={condition[l.id] ?? 'resellable'}
                      onChange={(e) => setCondition({ ...condition, [l.id]: e.target.value as Condition })}
                    >
                      <option value="resellable">{t('store.returns.resellable')}</option>
                      <option value="damaged">{t('store.returns.damaged')}</option>
                    </select>
                  ),
              },
            ]}
            rows={order.lines}
            rowKey={(l) => l.id}
            rowProps={(l) => ({ 'data-line': l.id })}
            empty={t('common.loading')}
          />
          <TextField
            label={t('store.returns.reason')}
            list="return-reasons"
            required
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            error={fieldError(submit.error, 'reason')}
          />
          <datalist id="return-reasons">
            {REASONS.map((r) => (
              <option key={r} value={t(r)} />
            ))}
          </datalist>
          <SelectField
            label={t('store.returns.refundMethod')}
            value={refundMethod}
            onChange={(e) => setRefundMethod(e.target.value as RefundMethod)}
            hint={t('store.returns.refundHint')}
          >
            <option value="original">{t('store.returns.refund.original')}</option>
            <option value="cash">{t('store.returns.refund.cash')}</option>
            {order.customerId && <option value="wallet">{t('store.returns.refund.wallet')}</option>}
          </SelectField>
          <ProblemBanner error={submit.error} />
          <Button
            type="submit"
            variant="primary"
            size="lg"
            disabled={chosen === 0 || !reason.trim()}
            busy={submit.isPending}
          >
            {t('store.returns.submit', { n: chosen })}
          </Button>
          {found.data!.returns.length > 0 && (
            <section className="stack">
              <h3>{t('store.returns.earlier')}</h3>
              <ul className="plain-list small">
                {found.data!.returns.map((r) => (
                  <li key={r.id} className="section-head">
                    <span>
                      {formatDateTime(r.createdAt, lang)} —{' '}
                      {t('store.returns.done', { amount: plainYen(r.refundTotal) })}
                    </span>
                    <Button onClick={() => setPaper({ kind: 'slip', returnId: r.id, reissue: true })}>
                      {t('store.returns.showSlip')}
                    </Button>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </form>
      )}
    </main>
  );
}
