import { salesChannels } from '../../platform/channels.ts';
import { z } from 'zod';
import { presenceMethods, tiers } from '../customers/service.ts';
import { issuedCouponView } from '../promotions/service.ts';
import { favouriteView } from '../favourites/service.ts';
import { orderViewSchema } from '../orders/service.ts';
import { memberReviewsView } from '../reviews/service.ts';
import { appointmentView } from '../appointments/service.ts';

const locationId = z.string().min(1).max(64);
const id = z.string().min(1).max(64);

/** One way to name the member per body: the app's code, or the plastic card, phone or member number. */
export const resolveBody = z.union(
  [
    z.strictObject({ locationId, code: z.string().min(1).max(200) }),
    z.strictObject({ locationId, cardNumber: z.string().min(1).max(40) }),
    z.strictObject({ locationId, phone: z.string().min(1).max(40) }),
    z.strictObject({ locationId, memberNumber: z.string().min(1).max(40) }),
  ],
  { error: () => 'invalid_format' },
);

export const memberCodeSchema = z.object({ code: z.string(), expiresAt: z.string(), refreshAt: z.string() });

const noteSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  body: z.string(),
  staffId: z.string(),
  staffName: z.string().nullable(),
  locationId: z.string().nullable(),
  createdAt: z.string(),
});
export const notesPage = z.object({ items: z.array(noteSchema), nextCursor: z.string().nullable() });
export { noteSchema };
export const noteBody = z.object({ body: z.string().trim().min(1).max(2000), locationId: locationId.optional() });

/** A presence token: proof she is at this till, for this clerk, for 15 minutes. */
export const presenceSchema = z.object({
  token: z.string(),
  method: z.enum(presenceMethods),
  expiresAt: z.string(),
});

export const cardSchema = z.object({
  customer: z.object({
    id: z.string(),
    name: z.string().nullable(),
    nameKana: z.string().nullable(),
    greeting: z.string(),
    memberNumber: z.string(),
    memberSince: z.string(),
    tier: z.enum(tiers),
  }),
  points: z.object({ balance: z.number().int() }),
  lastVisits: z.array(
    z.object({
      channel: z.string(),
      type: z.string(),
      at: z.string(),
      locationId: z.string().nullable(),
      locationName: z.string().nullable(),
    }),
  ),
  interests: z.array(
    z.object({
      productId: z.string(),
      productName: z.string(),
      lastAt: z.string(),
      viewed: z.boolean(),
      inCart: z.boolean(),
      favorited: z.boolean(),
      variants: z.array(
        z.object({
          variantId: z.string(),
          options: z.record(z.string(), z.string()),
          inCart: z.boolean(),
          available: z.number().int(),
        }),
      ),
      available: z.number().int(),
      inStock: z.boolean(),
      nearby: z
        .object({ locationId: z.string(), name: z.string(), distanceKm: z.number(), available: z.number() })
        .nullable(),
    }),
  ),
  holds: z.array(
    z.object({
      id: z.string(),
      reason: z.string(),
      expiresAt: z.string(),
      lines: z.array(
        z.object({
          variantId: z.string(),
          productName: z.string().nullable(),
          locationId: z.string(),
          locationName: z.string().nullable(),
          quantity: z.number().int(),
        }),
      ),
    }),
  ),
  notes: z.array(noteSchema.omit({ customerId: true })),
  suggestions: z
    .array(
      z.object({
        productId: z.string(),
        name: z.string(),
        priceMin: z.number().int(),
        priceMax: z.number().int(),
        available: z.number().int(),
        basedOn: z.string().nullable(),
      }),
    )
    .describe('Up to three products to offer her: in stock at this store, not already bought'),
  favourites: z
    .object({
      count: z.number().int(),
      items: z.array(favouriteView),
    })
    .describe('お気に入り: how many she keeps, and the newest ten with their stock at this store'),
  purchases: z
    .array(
      z.object({
        orderId: z.string(),
        number: z.string(),
        channel: z.enum(salesChannels),
        locationId: z.string().nullable(),
        locationName: z.string().nullable(),
        at: z.string(),
        productId: z.string(),
        variantId: z.string(),
        name: z.string(),
        options: z.record(z.string(), z.string()).describe('As sold: size and colour'),
        quantity: z.number().int(),
        returnedQuantity: z.number().int(),
      }),
    )
    .describe(
      'Her latest order lines in every channel (web, app, till), newest first, with the size and colour bought',
    ),
  collections: z
    .array(
      z.object({
        orderId: z.string(),
        number: z.string(),
        fulfilmentId: z.string(),
        type: z.enum(['pickup', 'hold', 'order_ahead']),
        status: z.enum(['placed', 'picking', 'ready']),
        locationId: z.string(),
        locationName: z.string().nullable(),
        deadline: z.string().nullable(),
        lines: z.array(
          z.object({ name: z.string(), options: z.record(z.string(), z.string()), quantity: z.number().int() }),
        ),
      }),
    )
    .describe('Her holds (取り置き), pickups and mobile orders not yet handed over, soonest deadline first'),
  reviews: memberReviewsView.describe(
    'レビュー: how many she wrote, her average, the latest three (hidden ones marked)',
  ),
  appointment: z
    .object({ next: appointmentView.nullable(), noShowCount: z.number().int() })
    .describe('来店予約: her next appointment at any store (null: none) and her 無断キャンセル so far'),
  scan: z.object({
    eventId: z.string(),
    method: z.enum(['code', 'card', 'phone', 'member_number']),
    locationId: z.string(),
    locationName: z.string(),
    at: z.string(),
  }),
  presence: presenceSchema.nullable(),
  presenceOptions: z.object({ methods: z.array(z.enum(presenceMethods)), pinSet: z.boolean() }),
  coupons: z
    .array(issuedCouponView)
    .describe('Her issued coupons she can still use: spending one needs her presence, as her points do'),
});

export const presenceProofBody = z.union([
  z.strictObject({ locationId, customerId: id, pin: z.string().min(1).max(20) }),
  z.strictObject({ locationId, customerId: id, code: z.string().min(1).max(20) }),
]);
export const presenceCodeBody = z.strictObject({ locationId, customerId: id });
export const presenceCodeSent = z.object({ sentTo: z.string(), validMinutes: z.number().int() });

/** The card's follow-ups name the scan they continue (`scan.eventId` of the card) and the store. */
export const actingForQuery = z.object({ locationId, scanId: id });

export const liveCartSchema = z.object({
  cartId: z.string().nullable(),
  channel: z.string().nullable(),
  updatedAt: z.string().nullable(),
  lines: z.array(
    z.object({
      variantId: z.string(),
      productId: z.string(),
      productName: z.string(),
      options: z.record(z.string(), z.string()),
      jan: z.string(),
      quantity: z.number().int(),
      price: z.number().int(),
      availableHere: z.number().int(),
    }),
  ),
  subtotal: z.number().int(),
  readAt: z.string(),
});

export const aisleOrderBody = z.strictObject({
  locationId,
  scanId: id,
  variantId: id,
  quantity: z.number().int().min(1).max(99).default(1),
  deliverTo: z
    .enum(['store', 'home'])
    .default('store')
    .describe('store: picked up here, paid then; home: shipped to her default saved address, paid from her wallet now'),
});

export const aisleOrderSchema = z.object({
  order: orderViewSchema,
  source: z.object({ locationId: z.string(), name: z.string(), kind: z.enum(['store', 'warehouse']) }),
});
