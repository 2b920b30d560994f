import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, newIdempotencyKey } from '../shared/api/client';
import { describeOptions, formatTime, tokyoToday } from '../shared/format';
import { useOrderStream } from '../shared/live';
import { isMessageKey, useT, type MessageKey } from '../shared/i18n';
import { Button, LiveBadge, ProblemBanner, SuccessBanner, TextField } from '../shared/ui';
import type { FulfilmentMove, FulfilmentStatus, Order, PrepBoard } from '../shared/api/types';
import type { Session } from '../shared/staff-session';
import { SlotCapacityForm } from '../shared/store-settings/SlotCapacityForm';

/** The board is refetched on every order event; this poll only covers a stream that is down. */
export const PREP_POLL_MS = 15_000;

type PrepOrder = PrepBoard['slots'][number]['orders'][number];

/** The next step the café takes from each status: 作成中 → 完成 → 受け渡し完了. */
const NEXT: Partial<Record<FulfilmentStatus, FulfilmentMove[]>> = {
  placed: ['picking', 'ready'],
  picking: ['ready'],
  ready: ['picked_up'],
};

/** /store/:id/prep — モバイルオーダー: today's order-ahead orders by pickup slot, live from the order stream. */
export function PrepBoardScreen({ session, locationId }: { session: Session; locationId: string }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [date, setDate] = useState(tokyoToday());
  const queryKey = ['prep-board', locationId, date];

  const board = useQuery({
    queryKey,
    queryFn: () =>
      call(api.GET('/api/locations/{id}/prep-board', { params: { path: { id: locationId }, query: { date } } })),
    enabled: /^\d{4}-\d{2}-\d{2}$/.test(date),
    refetchInterval: PREP_POLL_MS,
  });
  const refetch = () => void queryClient.invalidateQueries({ queryKey: ['prep-board', locationId] });
  const live = useOrderStream({ locationIds: [locationId], onResync: refetch }, (e) => {
    if (!e.type || e.type === 'order_ahead') refetch();
  });

  const move = useMutation({
    mutationFn: ({ o, to }: { o: PrepOrder; to: FulfilmentMove }) =>
      call(
        api.POST('/api/orders/{id}/fulfilments/{fulfilmentId}/status', {
          params: { path: { id: o.orderId, fulfilmentId: o.fulfilmentId } },
          headers: { 'Idempotency-Key': newIdempotencyKey() },
          body: { status: to },
        }),
      ),
    onSettled: refetch,
  });
  const statusLabel = (s: string) => {
    const k = `store.prep.status.${s}`;
    const f = `fulfilment.${s}`;
    return isMessageKey(k) ? t(k) : isMessageKey(f) ? t(f) : s;
  };
  const moved = move.data?.fulfilments.find((f) => f.id === move.variables?.o.fulfilmentId);
  const slots = board.data?.slots ?? [];

  return (
    <main className="page store prep-board">
      <div className="section-head">
        <h1>{t('store.prep.title')}</h1>
        <LiveBadge state={live} />
      </div>
      <TextField label={t('store.prep.date')} type="date" value={date} onChange={(e) => setDate(e.target.value)} />
      <ProblemBanner error={board.error ?? move.error} />
      {move.data && moved && (
        <SuccessBanner>
          {t('store.prep.moved', { number: move.data.number, status: statusLabel(moved.status) })}
        </SuccessBanner>
      )}
      {board.isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : slots.length === 0 ? (
        <p className="muted" data-testid="prep-empty">
          {t('store.prep.empty')}
        </p>
      ) : (
        slots.map((slot) => (
          <section
            key={slot.slotStart}
            className="card stack prep-slot"
            data-slot={slot.slotStart}
            aria-label={t('store.prep.slot', { time: formatTime(slot.slotStart) })}
          >
            <h2 className="prep-slot-head">
              {t('store.prep.slot', {
                time: t('time.range', { start: formatTime(slot.slotStart), end: formatTime(slot.slotEnd) }),
              })}{' '}
              <span className="muted small">{t('store.prep.count', { n: slot.orders.length })}</span>
            </h2>
            <ul className="prep-orders">
              {slot.orders.map((o) => (
                <li
                  key={o.fulfilmentId}
                  className={`prep-order status-${o.status}`}
                  data-order={o.number}
                  data-status={o.status}
                >
                  <div className="prep-order-head">
                    <strong className="mono">{o.number}</strong>{' '}
                    <span className="muted small">
                      {o.customerId ? t('store.pickups.member') : (o.name ?? t('store.pickups.guest'))}
                    </span>{' '}
                    <span className={`status status-${o.status}`} data-testid="prep-status">
                      {statusLabel(o.status)}
                    </span>
                    {o.pickupCode && (
                      <span className="mono small muted"> {t('store.prep.code', { code: o.pickupCode })}</span>
                    )}
                  </div>
                  <ul className="lines">
                    {o.lines.map((l, i) => (
                      <li key={i}>
                        <strong>{l.name}</strong> {describeOptions(l.options)} × {l.quantity}
                      </li>
                    ))}
                  </ul>
                  <div className="button-row">
                    {(NEXT[o.status] ?? []).map((to) => (
                      <Button
                        key={to}
                        size="lg"
                        variant={to === 'picking' ? 'secondary' : 'primary'}
                        busy={
                          move.isPending &&
                          move.variables?.o.fulfilmentId === o.fulfilmentId &&
                          move.variables.to === to
                        }
                        disabled={move.isPending}
                        onClick={() => move.mutate({ o, to })}
                      >
                        {t(`store.prep.to.${to}` as MessageKey)}
                      </Button>
                    ))}
                  </div>
                </li>
              ))}
            </ul>
          </section>
        ))
      )}
      <SlotCapacityForm session={session} locationId={locationId} kind="order_ahead" />
    </main>
  );
}
