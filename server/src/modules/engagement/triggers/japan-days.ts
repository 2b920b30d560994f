/** Japan has one time zone and no summer time: its calendar day is UTC + 9 hours. */
const JST_MS = 9 * 3600_000;

export interface Day {
  year: number;
  month: number;
  day: number;
}

/** The calendar day in Japan at `at`, `plusDays` later. */
export function japanDay(at: Date, plusDays = 0): Day {
  const d = new Date(at.getTime() + JST_MS + plusDays * 86400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** 「2027年1月31日」: a day as a Japanese message writes it (the expiry of points, in Japan). */
export function japaneseDate(at: Date): string {
  const d = japanDay(at);
  return `${d.year}年${d.month}月${d.day}日`;
}

/** 2027-01-31 */
export function isoDay(d: Day): string {
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}
