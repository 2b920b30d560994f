/** Japanese for CSV exports (ダウンロード) and the owner's API トークン screen. */
export const integrationsJa = {
  'csv.download': 'CSV をダウンロード',
  'csv.shiftJis': 'Shift_JIS 版',
  'csv.shiftJisHint': '古い Excel で文字化けする場合は Shift_JIS 版をお使いください。時刻はすべて日本時間（JST）です。',
  'csv.orderLines': '明細 CSV',
  'csv.customers': '顧客一覧 CSV',
  'csv.stockLevels': '在庫（全店舗）CSV',
  'csv.stockMovements': '入出庫履歴 CSV',
  'csv.stockTitle': '在庫のダウンロード',
};
