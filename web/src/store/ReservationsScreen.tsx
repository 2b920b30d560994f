import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, newIdempotencyKey } from '../shared/api/client';
import type { Reservation } from '../shared/api/types';
import { describeOptions, formatDateTime } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { useStockStream } from '../shared/live';
import { Button, DataTable, LiveBadge, ProblemBanner, SuccessBanner } from '../shared/ui';
import type { Session } from '../shared/staff-session';

/** /store/:id/reservations — holds (取り置き), carts and orders keeping stock here; release frees it. */
export function ReservationsScreen({ session, locationId }: { session: Session; locationId: string }) {
  const t = useT();
  const lang = useLang();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<string | null>(null);
  const queryKey = ['reservations', locationId, 'active'];

  const reservations = useQuery({
    queryKey,
    queryFn: () => call(api.GET('/api/reservations', { params: { query: { locationId, status: 'active' } } })),
    select: (d) => d.items,
  });
  const release = useMutation({
    mutationFn: (id: string) =>
      call(
        api.POST('/api/reservations/{id}/release', {
          params: { path: { id } },
          headers: { 'Idempotency-Key': newIdempotencyKey() },
        }),
      ),
    onSettled: () => {
      setConfirming(null);
      void queryClient.invalidateQueries({ queryKey });
    },
  });
  // New holds and expiries change this store's reserved counts.
  const refetch = () => void queryClient.invalidateQueries({ queryKey });
  const live = useStockStream({ locationIds: [locationId], onResync: refetch }, refetch);

  // Releasing a customer's hold cannot be undone, so it takes two taps.
  const ask = (id: string) => {
    if (confirming === id) release.mutate(id);
    else setConfirming(id);
  };

  return (
    <main className="page store">
      <div className="section-head">
        <h1>{t('store.reservations.title')}</h1>
        <LiveBadge state={live} />
      </div>
      <ProblemBanner error={reservations.error ?? release.error} />
      {release.data && <SuccessBanner>{t('store.reservations.released')}</SuccessBanner>}
      <DataTable<Reservation>
        columns={[
          { key: 'reason', header: t('store.reservations.reason'), cell: (r) => t(`reservation.${r.reason}`) },
          {
            key: 'ref',
            header: t('store.reservations.reference'),
            // Whose hold it is, by name; a cart's or an order's id means nothing at the counter.
            cell: (r) => (r.holder ? t('store.pickups.honorific', { name: r.holder }) : '—'),
          },
          {
            key: 'lines',
            header: t('store.reservations.lines'),
            cell: (r) => (
              <ul className="lines">
                {r.lines
                  .filter((l) => l.locationId === locationId)
                  .map((l) => (
                    <li key={l.variantId}>
                      {l.name} {describeOptions(l.options)} × {l.quantity}
                      <div className="mono small muted">{l.jan}</div>
                    </li>
                  ))}
              </ul>
            ),
          },
          { key: 'expires', header: t('store.reservations.expires'), cell: (r) => formatDateTime(r.expiresAt, lang) },
          {
            key: 'action',
            header: <span className="visually-hidden">{t('store.reservations.release')}</span>,
            align: 'end',
            cell: (r) => (
              <Button
                variant={confirming === r.id ? 'danger' : 'secondary'}
                size="lg"
                onClick={() => ask(r.id)}
                busy={release.isPending && release.variables === r.id}
              >
                {confirming === r.id ? t('store.reservations.confirm') : t('store.reservations.release')}
              </Button>
            ),
          },
        ]}
        rows={reservations.data ?? []}
        stacked
        rowKey={(r) => r.id}
        empty={reservations.isPending ? t('common.loading') : t('store.reservations.empty')}
      />
    </main>
  );
}
