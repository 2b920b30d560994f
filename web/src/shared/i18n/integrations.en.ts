import type { integrationsJa } from './integrations.ja';

/** English for CSV exports and the owner's API tokens screen: every key of integrations.ja.ts. */
export const integrationsEn: Record<keyof typeof integrationsJa, string> = {
  'csv.download': 'Download CSV',
  'csv.shiftJis': 'Shift_JIS',
  'csv.shiftJisHint': 'If an older Excel shows garbled text, use the Shift_JIS file. All times are Japan time (JST).',
  'csv.orderLines': 'Order lines CSV',
  'csv.customers': 'Customer list CSV',
  'csv.stockLevels': 'Stock (all stores) CSV',
  'csv.stockMovements': 'Stock movements CSV',
  'csv.stockTitle': 'Download stock',
};
