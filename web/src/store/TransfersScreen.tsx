import { useQuery, useQueryClient, useMutation } from '@tanstack/react-query';
import { api, call, newIdempotencyKey } from '../shared/api/client';
import type { Transfer } from '../shared/api/types';
import { formatDateTime } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { useStockStream } from '../shared/live';
import { Button, DataTable, LiveBadge, ProblemBanner, SuccessBanner } from '../shared/ui';
import { locationName, useLocations } from '../shared/locations';
import type { Session } from '../shared/staff-session';

/** /store/:id/transfers — stock on its way to this store; 入荷する books it in. */
export function TransfersScreen({ session, locationId }: { session: Session; locationId: string }) {
  const t = useT();
  const lang = useLang();
  const queryClient = useQueryClient();
  const names = new Map((useLocations().data ?? []).map((l) => [l.id, locationName(l, lang)]));
  const queryKey = ['transfers', locationId, 'in_transit'];

  const transfers = useQuery({
    queryKey,
    queryFn: () => call(api.GET('/api/transfers', { params: { query: { locationId, status: 'in_transit' } } })),
    select: (d) => d.items.filter((x) => x.toLocationId === locationId),
  });
  const receive = useMutation({
    mutationFn: (id: string) =>
      call(
        api.POST('/api/transfers/{id}/receive', {
          params: { path: { id } },
          headers: { 'Idempotency-Key': newIdempotencyKey() },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey }),
  });
  // A transfer sent here raises this store's in-transit count: refresh the list when that happens.
  const refetch = () => void queryClient.invalidateQueries({ queryKey });
  const live = useStockStream({ locationIds: [locationId], onResync: refetch }, refetch);

  return (
    <main className="page store">
      <div className="section-head">
        <h1>{t('store.transfers.title')}</h1>
        <LiveBadge state={live} />
      </div>
      <ProblemBanner error={transfers.error ?? receive.error} />
      {receive.data && (
        <SuccessBanner>
          {t('store.transfers.received', {
            n: receive.data.movement.quantity,
            available: receive.data.level.available,
          })}
        </SuccessBanner>
      )}
      <DataTable<Transfer>
        columns={[
          {
            key: 'from',
            header: t('store.transfers.from'),
            cell: (x) => names.get(x.fromLocationId) ?? x.fromLocationId,
          },
          {
            key: 'variant',
            header: t('store.transfers.variant'),
            cell: (x) => <span className="mono">{x.variantId}</span>,
          },
          { key: 'qty', header: t('store.transfers.quantity'), cell: (x) => x.quantity, align: 'end' },
          { key: 'sent', header: t('store.transfers.sent'), cell: (x) => formatDateTime(x.createdAt, lang) },
          {
            key: 'action',
            header: <span className="visually-hidden">{t('store.transfers.receive')}</span>,
            align: 'end',
            cell: (x) => (
              <Button
                variant="primary"
                size="lg"
                onClick={() => receive.mutate(x.id)}
                busy={receive.isPending && receive.variables === x.id}
              >
                {t('store.transfers.receive')}
              </Button>
            ),
          },
        ]}
        rows={transfers.data ?? []}
        rowKey={(x) => x.id}
        empty={transfers.isPending ? t('common.loading') : t('store.transfers.empty')}
      />
    </main>
  );
}
