import type { forecastJa } from './forecast.ja';

export const forecastEn: Record<keyof typeof forecastJa, string> = {
  'hq.tab.forecast': 'Demand forecast',
  'forecast.title': 'Demand forecast (next 28 days)',
  'forecast.lead':
    'From the last 26 weeks of orders in every channel, the units each variant will sell over the next 28 days at each store or warehouse. Items that sell daily get a model of their weekly rhythm and trend (Holt-Winters); items that sell now and then follow their category’s weekly pattern.',
  'forecast.store': 'Store or warehouse',
  'forecast.accuracyTitle': 'Accuracy ({from} – {to} held out)',
  'forecast.accuracyLead':
    'Forecast from the orders before those days only, compared with what sold. WAPE = total absolute error ÷ total sold, against the simple forecast “same as last week”.',
  'forecast.wape': 'WAPE (this model)',
  'forecast.naive': 'WAPE (same as last week)',
  'forecast.units': 'Sold (units)',
  'forecast.overall': 'All',
  'forecast.byStore': 'By store',
  'forecast.byDepartment': 'By category',
  'forecast.noCategory': 'No category',
  'forecast.col.product': 'Product',
  'forecast.col.next28': 'Next 28 days (units)',
  'forecast.col.last28': 'Last 28 days (units)',
  'forecast.col.method': 'Method',
  'forecast.method.holt_winters': 'Its own model',
  'forecast.method.category_profile': 'Category’s weekly pattern',
  'forecast.none': 'Nothing sold here in the last 26 weeks.',
  'forecast.from': 'from {date}',
};
