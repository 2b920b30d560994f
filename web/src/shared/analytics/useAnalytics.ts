import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';
import { saveFile } from '../save-file';

export type Grain = 'day' | 'week' | 'month';
export type Breakdown = 'channel' | 'store' | 'category';

export interface AnalyticsFilters {
  from: string;
  to: string;
  /** One store id, or '' for every store the caller may see. */
  store: string;
  grain: Grain;
  breakdown: Breakdown;
}

const range = (f: AnalyticsFilters) => ({ from: f.from, to: f.to, ...(f.store ? { stores: f.store } : {}) });

/** Net sales by period and breakdown, with the previous period and last year. */
export function useSales(f: AnalyticsFilters) {
  const query = { ...range(f), grain: f.grain, breakdown: f.breakdown };
  return useQuery({
    queryKey: ['analytics', 'sales', query],
    queryFn: () => call(api.GET('/api/analytics/sales', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/** Omni-channel against single-channel members over the period. */
export function useOmni(f: AnalyticsFilters) {
  const query = range(f);
  return useQuery({
    queryKey: ['analytics', 'omni', query],
    queryFn: () => call(api.GET('/api/analytics/omni', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/** Download one of the two tables as CSV (UTF-8 with BOM: Excel in Japan opens it as is). */
export function useAnalyticsCsv() {
  return useMutation({
    mutationFn: async ({ table, f }: { table: 'sales' | 'omni'; f: AnalyticsFilters }) => {
      const blob =
        table === 'sales'
          ? await call(
              api.GET('/api/analytics/sales/export.csv', {
                params: { query: { ...range(f), grain: f.grain, breakdown: f.breakdown } },
                parseAs: 'blob',
              }),
            )
          : await call(api.GET('/api/analytics/omni/export.csv', { params: { query: range(f) }, parseAs: 'blob' }));
      saveFile(blob, `${table === 'sales' ? '売上' : '顧客区分'}_${f.from}_${f.to}.csv`);
    },
  });
}
