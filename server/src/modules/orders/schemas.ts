import { cursorParam } from '../../platform/http/schemas.ts';
import { z } from 'zod';
import {
  fulfilmentTypes,
  orderChannels,
  paymentMethods,
  refundMethods,
  returnConditions,
  slotKinds,
} from './schema.ts';
import { enginePromotionView } from '../promotions/service.ts';

/**
 * Request and response shapes of the orders routes: validation, the services' input types and the
 * OpenAPI document (and so the web's types) in one. Answers only describe (no limits, no formats): an
 * answer is what the service made, and a check there would turn a stored oddity into a 500.
 */

const id = z.string().min(1).max(64);
const fulfilmentStatuses = [
  'placed',
  'picking',
  'ready',
  'picked_up',
  'shipped',
  'delivered',
  'completed',
  'cancelled',
] as const;

// ── Requests ─────────────────────────────────────────────────────────────────────────────────────────

export const deviceId = z
  .string()
  .min(8)
  .max(128)
  .regex(/^[\w.:-]+$/);

export const addressBody = z.object({
  postalCode: z.string().regex(/^\d{3}-?\d{4}$/, 'postal_code'),
  prefecture: z.string().trim().min(2).max(10),
  city: z.string().trim().min(1).max(50),
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).optional(),
  name: z.string().trim().min(1).max(100),
  phone: z.string().trim().min(6).max(20),
  /** The address's pin (required for local delivery: the distance to the store is measured to it). */
  lat: z.number().min(20).max(46).optional(),
  lng: z.number().min(122).max(154).optional(),
});

export const cartBody = z.object({
  channel: z.enum(orderChannels).optional(),
  deviceId: deviceId.optional(),
  locationId: z.string().max(64).optional(),
});

export const cartLineBody = z.object({
  variantId: id,
  quantity: z.number().int().min(1).max(99).default(1),
});

export const cartLineParams = z.object({ id: z.string().max(64), variantId: z.string().max(64) });

export const fulfilmentBody = z.object({
  type: z.enum(fulfilmentTypes),
  locationId: z.string().max(64).optional(),
  slotStart: z.string().datetime().optional(),
  address: addressBody.optional(),
});

export const paymentBody = z.discriminatedUnion('method', [
  z.object({
    method: z.literal('card'),
    card: z.object({ number: z.string().max(30).optional(), token: z.string().max(200).optional() }),
  }),
  z.object({ method: z.literal('wallet') }),
  z.object({ method: z.literal('pay_at_store') }),
]);

/** The one definition of what checkout takes (route body, service input, web client). */
export const checkoutBody = z.object({
  payment: paymentBody.optional(),
  usePoints: z.number().int().min(0).max(10_000_000).optional(),
  guest: z
    .object({
      name: z.string().min(1).max(100),
      email: z.string().email().max(254),
      phone: z.string().max(20).optional(),
    })
    .optional(),
});
export type CheckoutInput = z.infer<typeof checkoutBody>;
export type PaymentInput = z.infer<typeof paymentBody>;

/** What a card terminal or a QR code payment gave the clerk: its approval number or transaction id. */
const tenderReference = z.string().trim().min(1).max(64);

export const tillPayments = z.array(
  z
    .object({
      method: z.enum(['cash', 'terminal', 'qr', 'wallet', 'points']),
      amount: z.number().int().min(1).max(10_000_000),
      tendered: z.number().int().min(0).max(10_000_000).optional(),
      reference: tenderReference
        .optional()
        .describe("terminal: the card terminal's approval number (承認番号); qr: the QR payment's transaction id"),
      brand: z
        .string()
        .trim()
        .min(1)
        .max(30)
        .optional()
        .describe('terminal: the card brand (VISA, JCB …); qr: the service (PayPay, 楽天ペイ …)'),
    })
    // A card terminal's or a QR code payment's money is reconciled by its number: never recorded without it.
    .refine((p) => !['terminal', 'qr'].includes(p.method) || (p.reference && p.brand), {
      message: 'tender_reference',
      path: ['reference'],
    }),
);

export const fulfilmentStatusParams = z.object({ id: z.string().max(64), fulfilmentId: z.string().max(64) });
export const fulfilmentStatusBody = z.object({
  status: z.enum(['picking', 'ready', 'picked_up', 'shipped', 'delivered', 'cancelled']),
  payments: tillPayments.max(5).optional(),
  /** Proof the member is here, when a hold is paid with her wallet or points (POST /api/member-presence). */
  presenceToken: z.string().min(1).max(1000).optional(),
});

/** A till basket: JAN lines, the member (app code, member number or id) and coupons. */
export const basketBody = z.object({
  locationId: id,
  lines: z
    .array(
      z.object({
        jan: z.string().max(20).optional(),
        variantId: z.string().max(64).optional(),
        quantity: z.number().int().min(1).max(999),
      }),
    )
    .min(1)
    .max(200),
  memberCode: z.string().max(200).optional(),
  memberNumber: z.string().max(40).optional(),
  customerId: z.string().max(64).optional(),
  coupons: z.array(z.string().min(1).max(40)).max(5).optional(),
});
/** A quote also takes the points she will pay with: they earn nothing, so the points to earn are the sale's. */
export const tillQuoteBody = basketBody.extend({
  pointsUsed: z.number().int().min(0).max(100_000_000).optional(),
});
export const tillSaleBody = basketBody.extend({
  lines: z
    .array(
      z.object({
        jan: z.string().max(20).optional(),
        variantId: z.string().max(64).optional(),
        quantity: z.number().int().min(1).max(999),
        unitPrice: z
          .number()
          .int()
          .min(0)
          .max(10_000_000)
          .optional()
          .describe('Offline sales only: the tax-included unit price the till charged'),
        discount: z
          .number()
          .int()
          .min(0)
          .max(100_000_000)
          .optional()
          .describe("Offline sales only: the line's discount the till gave (automatic promotions), yen"),
      }),
    )
    .min(1)
    .max(200),
  payments: tillPayments.min(1).max(5),
  /** Proof she is here (POST /api/member-presence, or the resolve of her app's QR): needed to spend her value. */
  presenceToken: z.string().min(1).max(1000).optional(),
  clientTransactionId: z.string().min(1).max(100),
  offline: z
    .object({
      at: z.string().datetime({ offset: true }).describe("When it was rung up (the till's clock)"),
      discounts: z
        .array(z.object({ code: z.string().max(100), label: z.string().max(200), amount: z.number().int().min(1) }))
        .max(20)
        .describe('The automatic promotions the till applied'),
      staffId: z
        .string()
        .max(100)
        .optional()
        .describe(
          '担当: who was signed in at the till when it was rung up (the queue may be sent later under another); her sale if she still works at this store',
        ),
    })
    .optional()
    .describe(
      'A sale the till rang up offline and sends now: recorded as charged (lines with unitPrice and discount), never refused for stock; cash, terminal or QR only, no coupons, the member by number',
    ),
});
export type TillBasket = z.infer<typeof basketBody>;

/** The business on a receipt: with its registration number the receipt is a 適格簡易請求書. */
const receiptBusiness = z
  .object({
    name: z.string(),
    registrationNumber: z.string().nullable().describe('T + 13 digits, or null (not set)'),
    logo: z.string().nullable().describe('The receipt logo’s address, or null'),
  })
  .describe('The business (適格簡易請求書: its name and invoice registration number)');

export const tillOfflinePackQuery = z.object({ locationId: id });
export const tillOfflinePackView = z.object({
  locationId: z.string(),
  generatedAt: z.string(),
  limit: z.number().int().describe('The most the till may take offline, yen (its queued sales together)'),
  business: receiptBusiness,
  store: z.object({ name: z.string(), address: z.string(), phone: z.string() }),
  variants: z.array(
    z.object({
      id: z.string(),
      jan: z.string(),
      productId: z.string(),
      name: z.string(),
      options: z.record(z.string(), z.string()),
      price: z.number().int(),
      taxRate: z.number().int(),
      categoryIds: z.array(z.string()),
    }),
  ),
  promotions: z.array(enginePromotionView),
});
export type TillQuoteInput = z.infer<typeof tillQuoteBody>;
export type TillSale = z.infer<typeof tillSaleBody>;
export type TillPayment = TillSale['payments'][number];

export const returnBody = z.object({
  lines: z
    .array(
      z.object({
        orderLineId: id,
        quantity: z.number().int().min(1).max(999),
        condition: z.enum(returnConditions).optional(),
      }),
    )
    .min(1)
    .max(200),
  locationId: id,
  reason: z.string().min(1).max(500),
  refundMethod: z.enum(refundMethods).optional(),
});
export type ReturnInput = z.infer<typeof returnBody>;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date');
export const slotsQuery = z.object({ kind: z.enum(slotKinds).default('order_ahead'), date: day });
export const slotSettingsQuery = z.object({ kind: z.enum(slotKinds).default('order_ahead') });
export const slotSettingsBody = z.object({
  kind: z.enum(slotKinds).default('order_ahead'),
  capacity: z.number().int().min(0).max(1000),
});
export const prepBoardQuery = z.object({ date: day.optional() });

export const orderQuery = z.object({
  q: z.string().max(100).optional(),
  channel: z.enum(orderChannels).optional(),
  status: z.enum(['placed', 'completed', 'cancelled']).optional(),
  locationId: z.string().max(64).optional(),
  from: z.string().datetime({ offset: true }).optional(),
  to: z.string().datetime({ offset: true }).optional(),
  cursor: cursorParam,
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const lookupBody = z.object({ number: z.string().min(3).max(20), email: z.string().min(3).max(254) });

// ── Answers ──────────────────────────────────────────────────────────────────────────────────────────

const int = z.number().int();
const options = z.record(z.string(), z.string());

export const addressView = z.object({
  postalCode: z.string(),
  prefecture: z.string(),
  city: z.string(),
  line1: z.string(),
  line2: z.string().optional(),
  name: z.string(),
  phone: z.string(),
  lat: z.number().optional(),
  lng: z.number().optional(),
});

export const taxByRateView = z.object({
  rate: z.number(),
  base: int.describe('Tax-included total at this rate'),
  tax: int.describe('内消費税: the consumption tax contained in it'),
});
const discountView = z.object({ code: z.string(), label: z.string(), amount: int });

export const pricedLineView = z.object({
  variantId: z.string(),
  productId: z.string(),
  name: z.string(),
  options,
  jan: z.string(),
  sku: z.string(),
  quantity: int,
  unitPrice: int,
  taxRate: z.number(),
  discount: int.describe('Discount on this line (promotions), yen'),
  total: int,
});

/** What a basket costs (cart, till quote): lines, promotions, fee, 内消費税 by rate, points to earn. */
export const totalsView = z.object({
  lines: z.array(pricedLineView),
  subtotal: int,
  discounts: z.array(discountView),
  discountTotal: int,
  shippingFee: int,
  total: int,
  taxes: z.array(taxByRateView),
  pointsToEarn: int,
});

export const lineIssueView = z.object({
  variantId: z.string(),
  requested: int,
  available: int,
  alternatives: z.object({
    locations: z.array(z.object({ locationId: z.string(), name: z.string(), available: int })),
    variants: z.array(z.object({ variantId: z.string(), options, available: int })),
  }),
});

export const shipmentView = z.object({
  locationId: z.string(),
  name: z.string(),
  kind: z.enum(['store', 'warehouse']),
  distanceKm: z.number().nullable(),
  lines: z.array(z.object({ variantId: z.string(), quantity: int })),
});

export const fulfilmentChoiceView = z.object({
  type: z.enum(fulfilmentTypes),
  locationId: z.string().nullable().optional(),
  slotStart: z.string().nullable().optional(),
  address: addressView.nullable().optional(),
  distanceKm: z.number().nullable().optional().describe('Delivery: straight-line km from the store (sets the fee)'),
});

export const cartView = totalsView.extend({
  id: z.string(),
  channel: z.enum(orderChannels),
  status: z.enum(['open', 'checked_out', 'merged']),
  customerId: z.string().nullable(),
  locationId: z.string().nullable(),
  fulfilment: fulfilmentChoiceView.nullable(),
  orderId: z.string().nullable(),
  issues: z.array(lineIssueView).describe('Lines the chosen location cannot supply now'),
  shipments: z
    .array(shipmentView)
    .nullable()
    .describe('Shipping: where the parcels would leave from now (the warehouse, or stores when it lacks something)'),
});

export const orderLineView = pricedLineView.omit({ sku: true }).extend({
  id: z.string(),
  fulfilmentId: z.string(),
  returnedQuantity: int,
});

export const fulfilmentView = z.object({
  id: z.string(),
  type: z.enum(fulfilmentTypes),
  locationId: z.string(),
  status: z.enum(fulfilmentStatuses),
  slotStart: z.string().nullable().describe('order_ahead / delivery: the slot’s start (UTC)'),
  pickupCode: z.string().nullable(),
  deadline: z.string().nullable(),
  readyAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  address: addressView.nullable(),
});

export const paymentView = z.object({
  id: z.string(),
  method: z.enum(paymentMethods),
  amount: int,
  status: z.enum(['authorized', 'captured', 'voided', 'refunded', 'partially_refunded', 'pending']),
  capturedAmount: int,
  refundedAmount: int,
  tendered: int.nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});

export const orderView = z.object({
  id: z.string(),
  number: z.string(),
  channel: z.enum(orderChannels),
  status: z.enum(['placed', 'completed', 'cancelled']),
  customerId: z.string().nullable(),
  customer: z
    .object({
      name: z.string().nullable(),
      nameKana: z.string().nullable(),
      memberNumber: z.string(),
      tier: z.string(),
    })
    .nullable()
    .describe('Who to greet and hand it to: the member (name, member number, tier)'),
  guest: z.object({ name: z.string(), email: z.string(), phone: z.string().optional() }).nullable(),
  locationId: z.string().nullable(),
  subtotal: int,
  discountTotal: int,
  shippingFee: int,
  total: int,
  taxes: z.array(taxByRateView),
  discounts: z.array(discountView),
  pointsUsed: int,
  pointsEarned: int,
  createdAt: z.string(),
  offline: z
    .object({ at: z.string(), transactionId: z.string() })
    .nullable()
    .describe("A sale rung up while the till was offline: when (the till's clock) and the till's transaction id"),
  lines: z.array(orderLineView),
  fulfilments: z.array(fulfilmentView),
  payments: z.array(paymentView),
});
export type OrderView = z.infer<typeof orderView>;

export const orderList = z.object({ items: z.array(orderView) });

export const slotList = z.object({
  locationId: z.string(),
  kind: z.enum(slotKinds),
  date: z.string(),
  slotMinutes: int,
  leadMinutes: int,
  timezone: z.string(),
  slots: z.array(z.object({ start: z.string(), end: z.string(), capacity: int, booked: int, remaining: int })),
});

export const slotSettingsView = z.object({
  locationId: z.string(),
  kind: z.enum(slotKinds),
  capacity: int,
  slotMinutes: int,
});

export const prepBoardView = z.object({
  locationId: z.string(),
  date: z.string(),
  slots: z.array(
    z.object({
      slotStart: z.string(),
      slotEnd: z.string(),
      orders: z.array(
        z.object({
          orderId: z.string(),
          number: z.string(),
          fulfilmentId: z.string(),
          status: z.enum(fulfilmentStatuses),
          pickupCode: z.string().nullable(),
          name: z.string().nullable(),
          customerId: z.string().nullable(),
          lines: z.array(z.object({ name: z.string(), options, quantity: int })),
        }),
      ),
    }),
  ),
});

export type PrepBoard = z.infer<typeof prepBoardView>;

export const tillQuoteView = totalsView.extend({ customerId: z.string().nullable() });

export const receiptView = z.object({
  business: receiptBusiness,
  store: z.object({ name: z.string(), address: z.string(), phone: z.string() }),
  number: z.string(),
  offline: z
    .object({ number: z.string() })
    .nullable()
    .describe("Rung up offline (printed 「オフライン取引」): the till's own transaction number, printed instead"),
  issuedAt: z.string(),
  issuedAtLocal: z.string().describe('Local time as printed (Asia/Tokyo)'),
  clerk: z.string().nullable().describe('担当: the name of the staff member who rang the sale (null online)'),
  lines: z.array(
    z.object({
      name: z.string(),
      options: z.string(),
      quantity: int,
      unitPrice: int,
      total: int,
      reducedRate: z.boolean(),
    }),
  ),
  subtotal: int,
  discounts: z.array(z.object({ label: z.string(), amount: int })),
  total: int,
  taxes: z.array(taxByRateView),
  payments: z.array(
    z.object({
      method: z.string(),
      amount: int,
      tendered: int.nullable(),
      reference: z.string().nullable().describe('承認番号 (terminal) or 取引番号 (qr)'),
      brand: z.string().nullable().describe('The card brand or QR service'),
    }),
  ),
  change: int,
  member: z.object({ number: z.string(), pointsEarned: int, pointsUsed: int, balance: int.nullable() }).nullable(),
  footnote: z.string(),
});

export const tillSaleView = z.object({
  order: orderView,
  change: int,
  receipt: receiptView,
  replayed: z.boolean(),
});

const refundedAs = ['card', 'wallet', 'points', 'cash'] as const;
export const returnView = z.object({
  id: z.string(),
  orderId: z.string(),
  locationId: z.string(),
  staffId: z.string().nullable(),
  reason: z.string(),
  refundMethod: z.enum(refundMethods),
  refundTotal: int,
  refunds: z
    .array(
      z.object({
        paymentId: z.string(),
        method: z.enum(paymentMethods),
        refundedAs: z.enum(refundedAs),
        amount: int,
        status: z.enum(['refunded', 'pending']),
      }),
    )
    .describe('Per original payment: how much went back and how'),
  byMethod: z
    .object({ card: int, wallet: int, points: int, cash: int })
    .describe('The refund total per way it went back'),
  pointsReversed: int,
  pointsUnrecovered: int,
  lines: z.array(
    z.object({
      orderLineId: z.string(),
      variantId: z.string(),
      quantity: int,
      condition: z.enum(returnConditions),
      amount: int,
    }),
  ),
  createdAt: z.string(),
});

export const refundSlipView = z.object({
  business: receiptView.shape.business,
  store: receiptView.shape.store,
  issuedAt: z.string(),
  issuedAtLocal: z.string().describe('Local time as printed (Asia/Tokyo)'),
  original: z
    .object({ number: z.string(), issuedAtLocal: z.string() })
    .describe('The sale the return corrects: its receipt number (an offline sale: its transaction number) and date'),
  lines: z.array(
    z.object({ name: z.string(), options: z.string(), quantity: int, amount: int, reducedRate: z.boolean() }),
  ),
  total: int,
  taxes: z.array(taxByRateView).describe('The refund per tax rate with the tax contained (適格返還請求書)'),
  refunds: z.array(z.object({ as: z.enum(refundedAs), amount: int, pending: z.boolean() })),
  pointsReversed: int,
  reason: z.string(),
  footnote: z.string(),
});

export const returnResultView = z.object({ return: returnView, order: orderView });
export const returnLookupView = z.object({ order: orderView, returns: z.array(returnView) });
export const returnList = z.object({ items: z.array(returnView) });

export const orderRowView = z.object({
  id: z.string(),
  number: z.string(),
  channel: z.string(),
  status: z.string(),
  locationId: z.string().nullable(),
  fulfilmentTypes: z.string().nullable().describe('Space-separated, e.g. "pickup ship"'),
  fulfilmentLocations: z.string().nullable(),
  customerId: z.string().nullable(),
  customerName: z.string().nullable(),
  memberNumber: z.string().nullable(),
  total: int,
  pointsUsed: int,
  pointsEarned: int,
  createdAt: z.string(),
});
export type OrderRowView = z.infer<typeof orderRowView>;
export const orderPage = z.object({ items: z.array(orderRowView), nextCursor: z.string().nullable() });

/** A coupon code entered on a cart. */
export const cartCouponBody = z.object({ code: z.string().min(1).max(60) });
export const cartCouponParams = z.object({ id: z.string().max(64), code: z.string().max(60) });
