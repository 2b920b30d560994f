/**
 * The analytics module's face (rank 7): what server.ts and the modules above may use.
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
