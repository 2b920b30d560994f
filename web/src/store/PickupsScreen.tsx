import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, newIdempotencyKey } from '../shared/api/client';
import { describeOptions, formatAddress, formatDateTime } from '../shared/format';
import { isMessageKey, useLang, useT, type MessageKey } from '../shared/i18n';
import { Button, DataTable, ProblemBanner, SuccessBanner, TextField } from '../shared/ui';
import { plainYen } from '../shared/ui/Totals';
import type { FulfilmentMove, FulfilmentStatus, Order } from '../shared/api/types';
import { FLOW } from '../shared/order-flow';
import type { Session } from '../shared/staff-session';
import { SlotCapacityForm } from '../shared/store-settings/SlotCapacityForm';
import { useLocations } from '../shared/locations';
import { HoldHandover, type HoldPayment } from './HoldHandover';

/** How often the queue is asked again: orders have no live stream yet. */
const QUEUE_POLL_MS = 5_000;

type Row = { order: Order; f: Order['fulfilments'][number] };

const TYPE_LABEL: Record<string, MessageKey> = {
  pickup: 'store.tab.pickups',
  ship: 'store.pickups.ship',
  delivery: 'store.pickups.delivery',
  hold: 'store.pickups.hold',
  order_ahead: 'cart.orderAhead',
};

/** /store/:id/pickups — 受け取り: orders to prepare and hand over here, oldest deadline first. */
export function PickupsScreen({ session, locationId }: { session: Session; locationId: string }) {
  const delivers = (useLocations().data?.find((l) => l.id === locationId)?.services.deliveryRadiusKm ?? 0) > 0;
  const t = useT();
  const lang = useLang();
  const queryClient = useQueryClient();
  const [filter, setFilter] = useState('');
  const [confirming, setConfirming] = useState<string | null>(null);
  /** The hold being handed over: its payment is taken first. */
  const [paying, setPaying] = useState<string | null>(null);
  const queryKey = ['order-queue', locationId];

  const queue = useQuery({
    queryKey,
    queryFn: () => call(api.GET('/api/locations/{id}/order-queue', { params: { path: { id: locationId } } })),
    refetchInterval: QUEUE_POLL_MS,
  });
  const move = useMutation({
    mutationFn: ({ order, f, to, payments }: Row & { to: FulfilmentMove; payments?: HoldPayment[] }) =>
      call(
        api.POST('/api/orders/{id}/fulfilments/{fulfilmentId}/status', {
          params: { path: { id: order.id, fulfilmentId: f.id } },
          headers: { 'Idempotency-Key': newIdempotencyKey() },
          body: { status: to, ...(payments ? { payments } : {}) },
        }),
      ),
    onSuccess: () => setPaying(null),
    onSettled: () => {
      setConfirming(null);
      void queryClient.invalidateQueries({ queryKey });
    },
  });

  const q = filter.trim().toUpperCase();
  const rows: Row[] = (queue.data?.items ?? [])
    .flatMap((order) =>
      order.fulfilments
        .filter(
          (f) =>
            f.locationId === locationId &&
            (['placed', 'picking', 'ready'].includes(f.status) || (f.type === 'delivery' && f.status === 'shipped')),
        )
        .map((f) => ({ order, f })),
    )
    .filter(({ order, f }) => !q || order.number.toUpperCase().includes(q) || (f.pickupCode ?? '').includes(q));
  const label = (s: string, type?: string) => {
    const k =
      type === 'delivery' && s === 'shipped'
        ? 'fulfilment.out_for_delivery'
        : type === 'hold' && s === 'ready'
          ? 'fulfilment.hold.ready'
          : `fulfilment.${s}`;
    return isMessageKey(k) ? t(k) : s;
  };
  const act = (row: Row, to: FulfilmentMove) => {
    const key = `${row.f.id}:cancel`;
    if (to === 'cancelled' && confirming !== key) return setConfirming(key);
    if (row.f.type === 'hold' && to === 'picked_up') return setPaying(row.f.id);
    move.mutate({ ...row, to });
  };
  const moved = move.data?.fulfilments.find((f) => f.id === move.variables?.f.id);

  return (
    <main className="page store">
      <div className="section-head">
        <h1>{t('store.pickups.title')}</h1>
      </div>
      <TextField
        label={t('store.pickups.filter')}
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        autoComplete="off"
      />
      <ProblemBanner error={queue.error ?? move.error} />
      {move.data && moved && (
        <SuccessBanner>
          {t('store.pickups.moved', { number: move.data.number, status: label(moved.status, moved.type) })}
        </SuccessBanner>
      )}
      <DataTable<Row>
        columns={[
          {
            key: 'order',
            header: t('store.pickups.order'),
            cell: ({ order, f }) => (
              <>
                <strong className="mono">{order.number}</strong>
                <div className="muted small">{t(TYPE_LABEL[f.type] ?? 'store.pickups.ship')}</div>
                {f.type === 'delivery' && f.address && <div className="small">{formatAddress(f.address)}</div>}
              </>
            ),
          },
          {
            key: 'customer',
            header: t('store.pickups.customer'),
            cell: ({ order }) => (
              <>
                <div data-testid="customer-name">
                  {t('store.pickups.honorific', { name: order.customer?.name ?? order.guest?.name ?? '—' })}
                </div>
                <div className="muted small">
                  {order.customer
                    ? `${t('store.pickups.member')} ${order.customer.memberNumber}`
                    : t('store.pickups.guest')}
                </div>
              </>
            ),
          },
          {
            key: 'lines',
            header: t('store.pickups.lines'),
            cell: ({ order, f }) => (
              <ul className="lines">
                {order.lines
                  .filter((l) => l.fulfilmentId === f.id)
                  .map((l) => (
                    <li key={l.id}>
                      {l.name} {describeOptions(l.options)} × {l.quantity}
                      <div className="mono small muted">{l.jan}</div>
                    </li>
                  ))}
                {order.payments
                  .filter((p) => p.method === 'pay_at_store' && p.status === 'pending')
                  .map((p) => (
                    <li key={p.id} className="small">
                      <strong>{t('store.pickups.payAtStore', { amount: plainYen(p.amount) })}</strong>
                    </li>
                  ))}
              </ul>
            ),
          },
          {
            key: 'deadline',
            header: t('store.pickups.deadline'),
            // A delivery is due in its window; the others by their deadline.
            cell: ({ f }) =>
              f.type === 'delivery' && f.slotStart
                ? t('store.pickups.window', { time: formatDateTime(f.slotStart, lang) })
                : f.deadline
                  ? formatDateTime(f.deadline, lang)
                  : '—',
          },
          {
            key: 'code',
            header: t('store.pickups.code'),
            cell: ({ f }) => <span className="mono">{f.pickupCode ?? '—'}</span>,
          },
          {
            key: 'status',
            header: t('store.pickups.status'),
            cell: ({ f }) => <span className={`status status-${f.status}`}>{label(f.status, f.type)}</span>,
          },
          {
            key: 'actions',
            header: <span className="visually-hidden">{t('store.pickups.actions')}</span>,
            align: 'end',
            cell: (row) =>
              paying === row.f.id ? (
                <HoldHandover
                  order={row.order}
                  busy={move.isPending}
                  onPay={(payments) => move.mutate({ ...row, to: 'picked_up', payments })}
                  onBack={() => setPaying(null)}
                />
              ) : (
                <div className="button-row">
                  {(FLOW[row.f.type]?.[row.f.status] ?? []).map((to) => {
                    const cancel = to === 'cancelled';
                    const asking = cancel && confirming === `${row.f.id}:cancel`;
                    const k = (
                      asking
                        ? 'store.pickups.confirmCancel'
                        : row.f.type === 'delivery' && (to === 'shipped' || to === 'delivered')
                          ? `store.pickups.delivery.${to}`
                          : row.f.type === 'hold' && (to === 'ready' || to === 'picked_up')
                            ? `store.pickups.hold.to.${to}`
                            : `store.pickups.to.${to}`
                    ) as MessageKey;
                    return (
                      <Button
                        key={to}
                        size="lg"
                        variant={
                          cancel
                            ? asking
                              ? 'danger'
                              : 'ghost'
                            : to === 'ready' || to === 'picked_up'
                              ? 'primary'
                              : 'secondary'
                        }
                        busy={move.isPending && move.variables?.f.id === row.f.id && move.variables.to === to}
                        onClick={() => act(row, to)}
                      >
                        {t(k)}
                      </Button>
                    );
                  })}
                </div>
              ),
          },
        ]}
        rows={rows}
        stacked
        rowKey={({ f }) => f.id}
        rowProps={({ order, f }) => ({ 'data-order': order.number, 'data-status': f.status })}
        empty={queue.isPending ? t('common.loading') : t('store.pickups.empty')}
      />
      {delivers && <SlotCapacityForm session={session} locationId={locationId} kind="delivery" />}
    </main>
  );
}
