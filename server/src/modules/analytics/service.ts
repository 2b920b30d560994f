/**
 * analytics' public face (top rank: nothing imports it but the composition root). Sales rollups kept from
 * the order events, the dashboards' reads, and its routes.
 */
export { settleOrders, settleSales, settleOnOrderEvent, SETTLING_EVENTS } from './rollups.ts';
export { salesReport, type SalesReport, type SalesQuery, type Figures } from './sales.ts';
export { omniReport, type OmniReport, type OmniGroup } from './omni.ts';
export { analyticsRoutes } from './routes.ts';
