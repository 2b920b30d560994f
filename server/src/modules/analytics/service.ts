/**
 * analytics' public face (top rank: nothing imports it but the composition root): sales rollups kept from
 * the order events and the dashboards' reads, 予測LTV, 需要予測 and 補充提案, and their routes.
 */
export { customerValueRoutes } from './customer-value-routes.ts';
export {
  customerValueOf,
  eraseCustomerValue,
  exportCustomerValue,
  latestValueModel,
  refitCustomerValue,
  refitCustomerValueIfDue,
} from './customer-value.ts';
export { forecastRoutes } from './forecast-routes.ts';
export { forecastAccuracy, forecastDemand } from './forecast/demand-forecast.ts';
export { keepForecasts, keepForecastsIfDue, keptForecast } from './forecast/kept-forecast.ts';
export { settleOrders, settleSales, settleOnOrderEvent, SETTLING_EVENTS } from './rollups.ts';
export { salesReport, type SalesReport, type SalesQuery, type Figures } from './sales.ts';
export { omniReport, type OmniReport, type OmniGroup } from './omni.ts';
export { keepOmni, keepOmniIfDue, OMNI_WINDOW_DAYS } from './omni-kept.ts';
export {
  cohortsMergeStep,
  eraseCohortTier,
  fillCohorts,
  fillCohortsIfDue,
  keepCohortsOf,
  keepTierOnChange,
} from './cohort-kept.ts';
export { analyticsRoutes } from './routes.ts';
export { cohortRoutes } from './cohort-routes.ts';
export { cohortReport, type CohortReport } from './cohorts.ts';
export { ltvReport, type LtvReport } from './ltv.ts';
export { stockoutRoutes } from './stockouts/routes.ts';
export { keepStockouts } from './stockouts/spells.ts';
export { stockoutReport, type StockoutReport, type StockoutQuery, type StockoutSignals } from './stockouts/report.ts';
export { couponEffectRoutes } from './coupon-routes.ts';
export { closeIssuedDays, fillCoupons, keepCoupons } from './coupon-kept.ts';
export { couponEffect, couponEffectCsv, type CouponEffect } from './coupons.ts';
