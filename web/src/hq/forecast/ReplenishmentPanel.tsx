import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import { useT } from '../../shared/i18n';
import { saveFile } from '../../shared/save-file';
import { Button, DataTable, ProblemBanner, SelectField } from '../../shared/ui';

type Level = '0.9' | '0.95' | '0.98' | '0.99';
/** Suggestions asked for at a time, largest shortfall first (a store can be short of thousands of items). */
const PAGE = 100;

/**
 * 補充提案 for one location: what to move from nearby (accept → a transfer) and what to buy (CSV). The
 * largest shortfalls first, a hundred at a time; the CSV has every item to buy.
 */
export function ReplenishmentPanel({ locationId }: { locationId: string }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [leadDays, setLeadDays] = useState(7);
  const [serviceLevel, setServiceLevel] = useState<Level>('0.95');
  const [done, setDone] = useState<string[]>([]);
  const [limit, setLimit] = useState(PAGE);
  const query = { locationId, leadDays, serviceLevel };
  const suggestions = useQuery({
    queryKey: ['replenishment', query, limit],
    queryFn: () => call(api.GET('/api/analytics/replenishment', { params: { query: { ...query, limit } } })),
    enabled: !!locationId,
    // Showing more keeps the rows shown while the longer list comes; another store or lead time does not.
    placeholderData: (previous) =>
      previous?.locationId === locationId && previous.leadDays === leadDays && previous.serviceLevel === serviceLevel
        ? previous
        : undefined,
  });
  const accept = useMutation({
    mutationFn: (body: { variantId: string; fromLocationId: string; toLocationId: string; quantity: number }) =>
      call(api.POST('/api/analytics/replenishment/transfers', { body })),
    onSuccess: (_, body) => {
      const row = suggestions.data?.items.find((i) => i.variantId === body.variantId);
      const from = row?.transfers.find((tr) => tr.fromLocationId === body.fromLocationId)?.fromName ?? '';
      const what = row ? [row.productName, ...Object.values(row.options)].join(' ') : '';
      setDone((d) => [...d, t('replen.acceptedOne', { what, from, n: body.quantity })]);
      void queryClient.invalidateQueries({ queryKey: ['replenishment'] });
    },
  });
  const csv = useMutation({
    mutationFn: async () => {
      const blob = await call(
        api.GET('/api/analytics/replenishment/purchase.csv', { params: { query }, parseAs: 'blob' }),
      );
      saveFile(blob, `purchase-${new Date().toISOString().slice(0, 10)}.csv`);
    },
  });
  return (
    <section className="card" aria-labelledby="replen-title" data-testid="replenishment">
      <h2 id="replen-title">{t('replen.title')}</h2>
      <p className="muted">{t('replen.lead', { days: leadDays })}</p>
      <div className="hq-filter-row">
        <SelectField
          label={t('replen.leadDays')}
          value={String(leadDays)}
          onChange={(e) => setLeadDays(Number(e.target.value))}
        >
          {[3, 7, 14, 21].map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('replen.serviceLevel')}
          value={serviceLevel}
          onChange={(e) => setServiceLevel(e.target.value as Level)}
        >
          {(['0.9', '0.95', '0.98', '0.99'] as const).map((l) => (
            <option key={l} value={l}>
              {Math.round(Number(l) * 100)}%
            </option>
          ))}
        </SelectField>
      </div>
      <ProblemBanner error={suggestions.error ?? accept.error ?? csv.error} />
      {done.map((line, k) => (
        <p key={k} className="banner banner-success" role="status">
          {line}
        </p>
      ))}
      {suggestions.data && (
        <DataTable
          rows={suggestions.data.items}
          rowKey={(i) => i.variantId}
          empty={t('replen.none')}
          stacked
          columns={[
            {
              key: 'product',
              header: t('forecast.col.product'),
              cell: (i) => [i.productName, ...Object.values(i.options)].join(' '),
            },
            { key: 'forecast', header: t('replen.col.forecast'), cell: (i) => i.forecast.toFixed(1), align: 'end' },
            { key: 'safety', header: t('replen.col.safety'), cell: (i) => i.safety.toFixed(1), align: 'end' },
            { key: 'available', header: t('replen.col.available'), cell: (i) => i.available, align: 'end' },
            { key: 'incoming', header: t('replen.col.incoming'), cell: (i) => i.incoming, align: 'end' },
            { key: 'shortfall', header: t('replen.col.shortfall'), cell: (i) => i.shortfall, align: 'end' },
            {
              key: 'transfers',
              header: t('replen.col.transfers'),
              cell: (i) => (
                <ul className="plain-list">
                  {i.transfers.map((tr) => {
                    const key = `${i.variantId}|${tr.fromLocationId}`;
                    return (
                      <li key={key}>
                        {t('replen.transfer', { from: tr.fromName, n: tr.quantity, km: tr.km })}{' '}
                        {
                          <Button
                            variant="ghost"
                            busy={accept.isPending && accept.variables?.variantId === i.variantId}
                            onClick={() =>
                              accept.mutate({
                                variantId: i.variantId,
                                fromLocationId: tr.fromLocationId,
                                toLocationId: locationId,
                                quantity: tr.quantity,
                              })
                            }
                          >
                            {t('replen.accept')}
                          </Button>
                        }
                      </li>
                    );
                  })}
                </ul>
              ),
            },
            { key: 'purchase', header: t('replen.col.purchase'), cell: (i) => i.purchase, align: 'end' },
          ]}
        />
      )}
      {suggestions.data && suggestions.data.total > suggestions.data.items.length && (
        <p className="muted" role="status">
          {t('replen.shown', { shown: suggestions.data.items.length, total: suggestions.data.total })}{' '}
          <Button variant="ghost" onClick={() => setLimit((n) => n + PAGE)} busy={suggestions.isFetching}>
            {t('replen.more', { n: Math.min(PAGE, suggestions.data.total - suggestions.data.items.length) })}
          </Button>
        </p>
      )}
      {!!suggestions.data?.items.some((i) => i.purchase > 0) && (
        <Button variant="ghost" onClick={() => csv.mutate()} busy={csv.isPending}>
          {t('replen.csv')}
        </Button>
      )}
    </section>
  );
}
