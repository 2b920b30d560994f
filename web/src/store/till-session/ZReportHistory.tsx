import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import { formatDateTime } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';
import { Button, DataTable, ProblemBanner } from '../../shared/ui';
import { plainYen } from '../../shared/ui/Totals';
import type { TillSession } from './types';

/** 過去の精算: the store's Z reports, newest first, each shown again to reprint. */
export function ZReportHistory({ locationId, onShow }: { locationId: string; onShow: (s: TillSession) => void }) {
  const t = useT();
  const lang = useLang();
  const list = useQuery({
    queryKey: ['z-reports', locationId],
    queryFn: () => call(api.GET('/api/till-sessions', { params: { query: { locationId, limit: 50 } } })),
  });
  const signed = (n: number) => (n < 0 ? `−${plainYen(-n)}` : n > 0 ? `+${plainYen(n)}` : plainYen(0));
  return (
    <section className="card stack no-print" data-testid="z-history">
      <h2>{t('tillSession.history.title')}</h2>
      <ProblemBanner error={list.error} />
      <DataTable<TillSession>
        stacked
        columns={[
          { key: 'z', header: t('tillSession.history.number'), cell: (s) => s.zNumber },
          {
            key: 'closed',
            header: t('tillSession.history.closedAt'),
            cell: (s) => (s.closedAt ? formatDateTime(s.closedAt, lang) : ''),
          },
          { key: 'register', header: t('tillSession.history.register'), cell: (s) => s.registerName },
          {
            key: 'sales',
            header: t('tillSession.history.sales'),
            align: 'end',
            cell: (s) => plainYen(s.report?.netSales ?? 0),
          },
          {
            key: 'overShort',
            header: t('tillSession.history.overShort'),
            align: 'end',
            cell: (s) => (
              <span className={s.overShort ? 'till-over-short-bad' : undefined}>{signed(s.overShort ?? 0)}</span>
            ),
          },
          {
            key: 'show',
            header: '',
            cell: (s) => (
              <Button variant="ghost" onClick={() => onShow(s)}>
                {t('tillSession.history.show')}
              </Button>
            ),
          },
        ]}
        rows={list.data?.items ?? []}
        rowKey={(s) => s.id}
        rowProps={(s) => ({ 'data-z': String(s.zNumber) })}
        empty={list.isPending ? t('common.loading') : t('tillSession.history.none')}
      />
    </section>
  );
}
