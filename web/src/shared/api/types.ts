import type { paths } from './schema';

/** Names for the response shapes the screens use, taken from the generated OpenAPI types. */
type Json<P extends keyof paths, M extends 'get' | 'post' | 'put', S extends number = 200> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

export type ProductPage = Json<'/api/products', 'get'>;
export type ProductSummary = ProductPage['items'][number];
export type Product = Json<'/api/products/{id}', 'get'>;
export type Variant = Product['variants'][number];
export type ProductAvailability = Json<'/api/products/{id}/availability', 'get'>;
export type AvailabilityLocation = ProductAvailability['locations'][number];
export type Level = Json<'/api/locations/{id}/stock', 'get'>['items'][number];
export type Location = Json<'/api/locations', 'get'>['items'][number];
export type Login = Json<'/api/auth/login', 'post'>;
export type Staff = Login['staff'];
export type MoveBody = NonNullable<paths['/api/stock-movements']['post']['requestBody']>['content']['application/json'];
export type MoveKind = MoveBody['kind'];
export type MoveResult = Json<'/api/stock-movements', 'post', 201>;
export type Transfer = Json<'/api/transfers', 'get'>['items'][number];
export type Reservation = Json<'/api/reservations', 'get'>['items'][number];

/** The data of an `event: stock` message on /api/stream; staff also get onHand, reserved and inTransit. */
export type StockEvent = Pick<Level, 'variantId' | 'locationId' | 'available'> & Partial<Level>;

export type Customer = Json<'/api/customers/{id}', 'get'>;
export type Tier = Customer['tier'];
export type CustomerSession = Json<'/api/customer-auth/login', 'post'>;
export type MemberCode = Json<'/api/account/member-code', 'get'>;
export type FavouriteList = Json<'/api/account/favourites', 'get'>;
export type Favourite = FavouriteList['items'][number];
export type ClientelingCard = Json<'/api/member-codes/resolve', 'post'>;
export type ResolveBody = NonNullable<
  paths['/api/member-codes/resolve']['post']['requestBody']
>['content']['application/json'];
export type Interest = ClientelingCard['interests'][number] & {
  /** When this store has none: the nearest store that has it. */
  nearby?: { locationId: string; name: string; distanceKm: number; available: number } | null;
};
export type StaffNote = ClientelingCard['notes'][number];
export type Timeline = Json<'/api/customers/{id}/timeline', 'get'>;
export type TimelineItem = Timeline['items'][number];
export type Loyalty = Json<'/api/customers/{id}/loyalty', 'get'>;
export type Wallet = Json<'/api/customers/{id}/wallet', 'get'>;
export type Consents = Json<'/api/account/consents', 'get'>;
/** One signed-in device (the same shape for staff and members). */
export type SignedInDevice = Json<'/api/account/sessions', 'get'>['items'][number];
export type Consent = Consents['items'][number];
export type ConsentChange = Pick<Consent, 'channel' | 'purpose' | 'granted'>;
export type DuplicatePair = Json<'/api/customers/duplicates', 'get'>['items'][number];
export type Merge = Json<'/api/customer-merges/{id}/undo', 'post'>;
export type Hold = ClientelingCard['holds'][number];
export type TrackedEvent = NonNullable<
  paths['/api/events']['post']['requestBody']
>['content']['application/json']['events'][number];
export type DeliveryPage = Json<'/api/deliveries', 'get'>;
export type Delivery = DeliveryPage['items'][number];
export type WebhookEndpoint = Json<'/api/webhooks', 'get'>['items'][number];
export type ApiToken = Json<'/api/api-tokens', 'get'>['items'][number];

type Body<P extends keyof paths, M extends 'post' | 'put' | 'patch'> =
  NonNullable<paths[P][M]> extends { requestBody?: { content: { 'application/json': infer T } } } ? T : never;

// Carts, checkout and orders (server/src/modules/orders/schemas.ts).
export type Cart = Json<'/api/carts/{id}', 'get'>;
export type CartLine = Cart['lines'][number];
export type LineIssue = Cart['issues'][number];
export type FulfilmentChoice = Body<'/api/carts/{id}/fulfilment', 'put'>;
export type Address = NonNullable<FulfilmentChoice['address']>;
/** One address of her book (お届け先). */
export type SavedAddress = Json<'/api/account/addresses', 'get'>['items'][number];
export type CheckoutBody = Body<'/api/carts/{id}/checkout', 'post'>;
export type PaymentInput = NonNullable<CheckoutBody['payment']>;
export type Order = Json<'/api/orders/{id}', 'get'>;
export type OrderLine = Order['lines'][number];
export type Fulfilment = Order['fulfilments'][number];
export type FulfilmentStatus = Fulfilment['status'];
/** Where staff may move a fulfilment (the body of POST …/fulfilments/{fulfilmentId}/status). */
export type FulfilmentMove = Body<'/api/orders/{id}/fulfilments/{fulfilmentId}/status', 'post'>['status'];
export type TaxByRate = Order['taxes'][number];
/** One of her orders in マイページ: the order, its e-receipt and its returns (staff-only fields left out). */
export type MyOrder = Json<'/api/account/orders/{id}', 'get'>;
export type MyReturn = MyOrder['returns'][number];
export type Reorder = Json<'/api/account/orders/{id}/reorder', 'post'>;
export type Purchase = ClientelingCard['purchases'][number];
/** An item waiting for her at a store (a hold, a pickup, a mobile order), as the card shows it. */
export type WaitingCollection = ClientelingCard['collections'][number];
export type SlotList = Json<'/api/locations/{id}/slots', 'get'>;
export type Slot = SlotList['slots'][number];
export type SlotSettings = Json<'/api/locations/{id}/slot-settings', 'get'>;
export type PrepBoard = Json<'/api/locations/{id}/prep-board', 'get'>;
export type OrderPage = Json<'/api/orders', 'get'>;
export type OrderRow = OrderPage['items'][number];
export type TillQuote = Json<'/api/pos/quote', 'post'>;
/** A till basket as POST /api/pos/quote (and the sale) takes it. */
export type TillBasketBody = Body<'/api/pos/quote', 'post'>;
export type TillSale = Json<'/api/pos/sales', 'post', 201>;
export type Receipt = Json<'/api/orders/{id}/receipt', 'get'>;
/** What a store's till keeps to sell offline (GET /api/pos/offline-pack). */
export type TillOfflinePack = Json<'/api/pos/offline-pack', 'get'>;
/** A till sale as POST /api/pos/sales takes it (an offline one with its `offline` part). */
export type TillSaleBody = Body<'/api/pos/sales', 'post'>;
export type StockReconciliation = Json<'/api/stock-reconciliations', 'get'>['items'][number];
export type ReturnView = Json<'/api/orders/{id}/returns', 'get'>['items'][number];
export type RefundSlip = Json<'/api/returns/{id}/slip', 'get'>;

// Promotions and coupons (server/src/modules/promotions/schemas.ts).
export type Promotion = Json<'/api/promotions', 'get'>['items'][number];
export type PromotionKind = Promotion['kind'];
export type PromotionBody = Body<'/api/promotions', 'post'>;
export type Coupon = Json<'/api/coupons', 'get'>['items'][number];
export type CouponBatch = Json<'/api/coupons/batches', 'post', 201>;
export type CouponRedemptions = Json<'/api/coupons/{id}/redemptions', 'get'>;

/** The data of an `event: order` message on /api/stream?topics=order (staff: the whole event; a member: her own orders). */
export interface OrderEvent {
  orderId: string;
  number: string;
  fulfilmentId: string;
  type?: string;
  locationId?: string;
  status: string;
  customerId?: string | null;
}

// Segments (server/src/modules/engagement/segment-rules.ts).
export type Segment = Json<'/api/segments/{id}', 'get'>;
export type SegmentRules = Body<'/api/segments/preview', 'post'>['rules'];
export type SegmentCondition = SegmentRules['conditions'][number];
export type SegmentField = SegmentCondition['field'];
export type SegmentPreview = Json<'/api/segments/preview', 'post'>;
export type Campaign = Json<'/api/campaigns', 'get'>['items'][number];
export type CampaignDetail = Json<'/api/campaigns/{id}', 'get'>;
export type CampaignBody = Body<'/api/campaigns', 'post'>;
export type CampaignResults = Json<'/api/campaigns/{id}/results', 'get'>;
/** A coupon issued to her account (a campaign's offer), as her app and the till list it. */
export type IssuedCoupon = Json<'/api/account/coupons', 'get'>['items'][number];
export type RecommendationList = Json<'/api/account/recommendations', 'get'>;
export type Recommendation = RecommendationList['items'][number];
/** A wallet top-up (チャージ) as the till's cash route and the app's card route answer it. */
export type TopUpResult = Json<'/api/wallet/top-ups', 'post', 201>;
export type TopUpOptions = Json<'/api/account/wallet/top-up-options', 'get'>;
export type ImportJob = Json<'/api/imports/{id}', 'get'>;
export type ImportRowError = ImportJob['errors'][number];
export type LiveCart = Json<'/api/customers/{id}/live-cart', 'get'>;
export type LiveCartLine = LiveCart['lines'][number];
export type AisleOrder = Json<'/api/customers/{id}/aisle-orders', 'post', 201>;
export type BarcodeLookup = Json<'/api/barcodes/{jan}', 'get'>;

export type ShopListing = Json<'/api/shop/products', 'get'>;
export type ShopTile = ShopListing['items'][number];
export type ShopHome = Json<'/api/shop/home', 'get'>;
export type Collection = Json<'/api/collections', 'get'>['items'][number];
export type Category = Json<'/api/categories', 'get'>['items'][number];
