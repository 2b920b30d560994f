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

/** The last `n` Japan months, newest first, as YYYY-MM. */
export function monthsBack(n: number): string[] {
  const today = tokyoToday();
  const y = +today.slice(0, 4);
  const m = +today.slice(5, 7);
  return Array.from({ length: n }, (_, i) => new Date(Date.UTC(y, m - 1 - i, 1)).toISOString().slice(0, 7));
}

/** Yen without the tax note (the screen says once whether amounts include tax). */
export const plainYen = (n: number) => `¥${n.toLocaleString('ja-JP')}`;
