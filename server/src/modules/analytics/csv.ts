import { toCsv } from '../../platform/csv.ts';
import type { OmniReport } from './omni.ts';
import type { SalesReport } from './sales.ts';

const CHANNELS: Record<string, string> = { web: 'ウェブ', app: 'アプリ', store: '店舗', line: 'LINE' };

/** The sales table as CSV: one row per period × breakdown key, the period's totals first. No personal data. */
export function salesCsv(r: SalesReport): string {
  const label = new Map(r.rows.map((x) => [x.key, x.label]));
  const rows = [
    ...r.series.map((s) => ({ ...s, key: '合計' })),
    ...r.breakdownSeries.map((s) => ({ ...s, key: label.get(s.key) ?? CHANNELS[s.key] ?? s.key })),
  ].map((s) => ({
    period: s.period,
    key: s.key,
    orders: s.orders,
    units: s.units,
    net: s.net,
    netExcl: s.netExcl,
    averageBasket: s.orders ? Math.round(s.net / s.orders) : 0,
  }));
  return toCsv(rows, {
    period: '期間',
    key: '区分',
    orders: '注文数',
    units: '点数',
    net: '純売上（税込）',
    netExcl: '純売上（税抜）',
    averageBasket: '平均客単価（税込）',
  });
}

/** The omni-channel table as CSV: one row per group. No personal data. */
export function omniCsv(r: OmniReport): string {
  const row = (name: string, g: OmniReport['single']) => ({
    name,
    ...g,
    retention12: g.retention12 === null ? '' : g.retention12,
  });
  return toCsv([row('単一チャネル', r.single), row('複数チャネル（オムニ）', r.omni)], {
    name: '顧客区分',
    customers: '会員数',
    orders: '注文数',
    spend: '純売上（税込）',
    spendPerCustomer: '一人あたり売上',
    annualSpendPerCustomer: '一人あたり年間売上',
    frequency: '購入頻度（回）',
    averageBasket: '平均客単価',
    retention12: '12か月継続率',
    retentionBase: '継続率の対象会員数',
  });
}
