/**
 * orders' public face: other modules and the composition root (server.ts) import this file only.
 * Carts and checkout, the till, fulfilment moves and the store queue, returns, order access and views,
 * and the order module's routes and live-stream filter.
 */
export { ORDERS_ACTOR, type CheckoutDeps, type OrderDeps } from './deps.ts';
export { placeHold } from './place-hold.ts';
export { placeForMember, type AisleDestination, type MemberOrder } from './place-for-member.ts';
export { memberOpenCart, type MemberCart } from './member-cart.ts';
export { orderView as orderViewSchema } from './schemas.ts';
export { checkout, type CheckoutInput, type PaymentInput } from './place-order/checkout.ts';
export { CHECKOUT_HOLD_SECONDS } from './place-order/hold-and-authorise.ts';
export { ATTEMPT_LEASE_MS, purgeCardAttempts, voidAbandonedAttempts } from './place-order/card-attempts.ts';
export { placeUnattended, sweepCardAttempts } from './place-order/unattended.ts';
export { finishLapsedTopUps, topUpWithCard, TOP_UP_LEASE_MS } from './wallet-top-ups.ts';
export { beginBrowserTopUp, completeBrowserTopUp } from './browser-top-ups.ts';
export type { PlacementRefusal } from './place-order/refusals.ts';
export { settlePurchase, type Settlement } from './settle-purchase.ts';
export { earnableSpend } from './earnable-spend.ts';
export { quoteAppSale, sellScanAndGo, type AppSale, type AppSalePayment } from './scan-and-go-sale.ts';
export { tillQuote, tillSale, type TillBasket, type TillPayment, type TillResult, type TillSale } from './pos.ts';
export { cancelUncollected, storeQueue, transitionFulfilment, type TransitionOptions } from './fulfilment.ts';
export { createReturn, retryCardRefunds, returnView, type ReturnInput, type ReturnView } from './returns.ts';
export {
  closeTillSession,
  currentTillSession,
  listZReports,
  moveTillCash,
  openTillSession,
  tillXReport,
  type TillSessionView,
} from './till-sessions.ts';
export { assertOrderAccess, readOrder, readReceipt } from './access.ts';
export { myOrder, myOrderPage, reorder } from './account-orders.ts';
export { optionsText } from './receipt.ts';
export { lookupOrder } from './lookup.ts';
export { purchasesOf, type Purchase } from './purchases.ts';
export { orderView, orderViews, type OrderView } from './views.ts';
export { eraseOrders, eraseWaitingCheckouts, exportOrders } from './personal-data.ts';
export { priceLines, type Totals } from './pricing.ts';
export { orderStreamFilter, cartStreamFilter, type OrderEvent, type CartEvent } from './stream.ts';
export { orderRoutes } from './routes.ts';
export { orderLookupRoutes } from './lookup-routes.ts';
export type { FulfilmentStatus, FulfilmentType, OrderChannel } from './schema.ts';
export type { OrderEventName, OrderEventPayload, ReturnEventPayload } from './events.ts';
export { orderSalesSql, ordersAfterSql, ordersPlacedSinceSql, japanDateSql, usText } from './sales-facts.ts';
export { holdsExpiringSql, pickupsWaitingSql } from './reminders.ts';
export { memberOrdersSql, memberProductsSql, idleCartsSql } from './audience.ts';
export { dailyDemandSql } from './demand.ts';
export { refusalsFromSql, refusedCheckoutsSql } from './refused-checkouts.ts';
export { buyersSql, purchaseFactsSql, lastPurchaseSql, refreshPurchaseFacts, isFactWindow } from './purchase-facts.ts';
export {
  memberPurchases,
  memberPurchasesPart,
  openCollections,
  openCollectionsPart,
  type MemberPurchase,
  type OpenCollection,
} from './member-history.ts';
