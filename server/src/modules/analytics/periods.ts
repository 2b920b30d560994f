/**
 * Japan calendar dates ('YYYY-MM-DD') as plain calendar arithmetic (no time zone: a Japan date is the
 * date, whatever the server's zone). The comparison periods of a dashboard: the one just before, of the
 * same number of days, and the same dates a year earlier (29 February → 28 February).
 */
export interface Period {
  from: string;
  to: string;
}

const toUtc = (d: string) => Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10));
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const addDays = (d: string, n: number): string => fromUtc(toUtc(d) + n * 86_400_000);
export const daysIn = (p: Period): number => Math.round((toUtc(p.to) - toUtc(p.from)) / 86_400_000) + 1;

/** The same calendar date a year earlier; 29 February becomes 28 February. */
export function yearEarlier(d: string): string {
  const y = +d.slice(0, 4) - 1;
  const md = d.slice(5) === '02-29' ? '02-28' : d.slice(5);
  return `${String(y).padStart(4, '0')}-${md}`;
}

export const previousPeriod = (p: Period): Period => ({ from: addDays(p.from, -daysIn(p)), to: addDays(p.from, -1) });
export const lastYear = (p: Period): Period => ({ from: yearEarlier(p.from), to: yearEarlier(p.to) });

/** Today's date in Japan. */
export const japanToday = (now = new Date()): string => fromUtc(now.getTime() + 9 * 3600_000);

export const isDate = (d: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(d) && fromUtc(toUtc(d)) === d;
