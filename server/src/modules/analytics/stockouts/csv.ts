import { toCsv } from '../../../platform/csv.ts';
import type { StockoutReport } from './report.ts';

/** The ten worst stockouts of each store as CSV (Japanese headers), each store's totals first. No personal data. */
export function stockoutCsv(r: StockoutReport): string {
  const rows = r.stores.flatMap((s) => [
    {
      store: s.name,
      product: '（店舗合計）',
      options: '',
      sku: '',
      days: s.totals.days,
      views: s.totals.views,
      refused: s.totals.refusedCheckouts,
      requests: s.totals.restockRequests,
      rate: '',
      lostUnits: s.totals.lostUnits,
      lostYen: s.totals.lostYen,
      outNow: '',
    },
    ...s.worst.map((w) => ({
      store: s.name,
      product: w.productName,
      options: Object.values(w.options).join(' '),
      sku: w.sku,
      days: w.days,
      views: w.views,
      refused: w.refusedCheckouts,
      requests: w.restockRequests,
      rate: w.dailyRate,
      lostUnits: w.lostUnits,
      lostYen: w.lostYen,
      outNow: w.outNow ? '欠品中' : '',
    })),
  ]);
  return toCsv(rows, {
    store: '店舗',
    product: '商品',
    options: '色・サイズ',
    sku: 'SKU',
    days: '欠品日数',
    views: '閲覧数',
    refused: '購入できなかった注文',
    requests: '再入荷リクエスト',
    rate: '通常の販売数（1日）',
    lostUnits: '推定機会損失（点）',
    lostYen: '推定機会損失（円）',
    outNow: '現在',
  });
}
