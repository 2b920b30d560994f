import type { Address } from './api/types';
import { translate, type Lang } from './i18n';

const yen = new Intl.NumberFormat('ja-JP');

/** ¥1,990 (税込) — prices are stored tax-included, in whole yen. */
export function formatYen(amount: number, lang: Lang): string {
  return translate(lang, 'money.taxIncluded', { amount: `¥${yen.format(amount)}` });
}

/** ¥1,990〜¥2,990 (税込) for a product whose variants differ in price. */
export function formatYenRange(min: number, max: number, lang: Lang): string {
  const amount = min === max ? `¥${yen.format(min)}` : `¥${yen.format(min)}〜¥${yen.format(max)}`;
  return translate(lang, 'money.taxIncluded', { amount });
}

export function formatKm(km: number | null): string {
  if (km === null) return '—';
  return km < 10 ? `${km.toFixed(1)} km` : `${Math.round(km)} km`;
}

const dateTime: Record<Lang, Intl.DateTimeFormat> = {
  ja: new Intl.DateTimeFormat('ja-JP', {
    timeZone: 'Asia/Tokyo',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }),
  en: new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Tokyo',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }),
};

/** Times are shown in Asia/Tokyo, whatever the device's zone. */
export function formatDateTime(iso: string, lang: Lang): string {
  return dateTime[lang].format(new Date(iso));
}

/** What a scanner or a person typed, as the JAN the server expects: full-width digits folded, spaces and hyphens dropped. */
export function normaliseJan(raw: string): string {
  return raw.normalize('NFKC').replace(/[\s-]/g, '');
}

/** "M / ネイビー" from a variant's options. */
export function describeOptions(options: Record<string, string>): string {
  return Object.values(options).join(' / ');
}

const dateOnly: Record<Lang, Intl.DateTimeFormat> = {
  ja: new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: 'long', day: 'numeric' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', year: 'numeric', month: 'short', day: 'numeric' }),
};

/** 2026年11月23日 / 23 Nov 2026, in Asia/Tokyo. A bare YYYY-MM-DD (a birthday) is that calendar day. */
export function formatDate(isoOrDay: string, lang: Lang): string {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(isoOrDay) ? `${isoOrDay}T12:00:00+09:00` : isoOrDay;
  return dateOnly[lang].format(new Date(day));
}

/** 1,200 pt */
export function formatPoints(n: number, lang: Lang): string {
  return translate(lang, 'points.value', { n: yen.format(n) });
}

/** ¥3,000 — an amount of money that is not a price (wallet balance, spend), so without (税込). */
export function formatAmount(amount: number): string {
  return `${amount < 0 ? '−' : ''}¥${yen.format(Math.abs(amount))}`;
}

/** +500 / −120 for ledger rows. */
export function formatSigned(n: number): string {
  return n > 0 ? `+${yen.format(n)}` : n < 0 ? `−${yen.format(-n)}` : '0';
}

/**
 * +819012345678 → 090-1234-5678: phones are stored E.164 and shown the way they are written in Japan
 * (mobiles and IP phones 3-4-4, Tokyo and Osaka 2-4-4); any other number is shown as stored.
 */
export function formatPhone(e164: string): string {
  const m = /^\+81(\d{9,10})$/.exec(e164);
  if (!m) return e164;
  const national = `0${m[1]}`;
  if (/^0[5789]0\d{8}$/.test(national)) return `${national.slice(0, 3)}-${national.slice(3, 7)}-${national.slice(7)}`;
  if (/^0[36]\d{8}$/.test(national)) return `${national.slice(0, 2)}-${national.slice(2, 6)}-${national.slice(6)}`;
  return national;
}

const timeOnly = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Tokyo',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** 14:30, in Asia/Tokyo (the same in both languages). */
export function formatTime(iso: string): string {
  return timeOnly.format(new Date(iso));
}

/** Today's date in Japan, YYYY-MM-DD (what the slot and prep-board APIs take). */
export function tokyoToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}

/** A Japanese address on one line: 〒, prefecture to building, then the name. */
export function formatAddress(a: Address): string {
  return `〒${a.postalCode} ${a.prefecture}${a.city}${a.line1}${a.line2 ? ` ${a.line2}` : ''} ${a.name}`;
}

/** A datetime-local value (no zone) is Tokyo time: its instant as ISO, or null when empty. */
export const tokyo = (local: string) =>
  local ? new Date(`${local.length === 16 ? `${local}:00` : local}+09:00`).toISOString() : null;
