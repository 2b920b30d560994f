import { tokyoToday } from '../../shared/format';

/** The cohort screens' filters: first-purchase months (YYYY-MM) and one store or '' for all. */
export interface CohortFilters {
  from: string;
  to: string;
  store: string;
}

/** The last 12 Japan months, this one included. */
export function lastTwelveMonths(): CohortFilters {
  const today = tokyoToday();
  const y = +today.slice(0, 4);
  const m = +today.slice(5, 7);
  const start = new Date(Date.UTC(y, m - 12, 1)).toISOString().slice(0, 7);
  return { from: start, to: today.slice(0, 7), store: '' };
}

export const cohortQuery = (f: CohortFilters) => ({
  from: `${f.from}-01`,
  to: `${f.to}-01`,
  ...(f.store ? { stores: f.store } : {}),
});
