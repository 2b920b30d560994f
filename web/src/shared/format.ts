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
  ja: new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }),
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
