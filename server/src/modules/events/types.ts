import { z } from 'zod';
import type { EventChannel } from './schema.ts';

/**
 * What clients (web, app, store devices) may put on the timeline themselves. Everything else on the
 * timeline (points, orders, merges, member scans by the resolve endpoint) is written by modules through
 * recordFact, and a client cannot forge it.
 */
export const clientEventTypes = [
  'product_viewed',
  'searched',
  'cart_updated',
  'favorited',
  'store_visited',
  'member_scanned',
  'coupon_viewed',
] as const;
export type ClientEventType = (typeof clientEventTypes)[number];

/** Event types that say "she was interested in this item" — the clienteling card reads these. */
export const interestEventTypes = [
  'product_viewed',
  'cart_updated',
  'favorited',
] as const satisfies readonly ClientEventType[];

/** Channels that count as online (a visit to the web shop, the app or the LINE mini-app). */
export const onlineChannels = ['web', 'app', 'line'] as const satisfies readonly EventChannel[];

const entityId = z.string().min(1).max(64);

/**
 * The payload conventions. Every payload is a JSON object (≤ 4 KB); the fields below are required or
 * typed when present, anything else passes through untouched (a client may add its own context).
 */
export const payloadSchemas: Record<ClientEventType, z.ZodType> = {
  /** A product page (or a variant of it) was shown. */
  product_viewed: z.looseObject({ productId: entityId, variantId: entityId.optional() }),
  /** A search was run; resultCount helps find searches that found nothing. */
  searched: z.looseObject({ q: z.string().min(1).max(200), resultCount: z.number().int().min(0).optional() }),
  /** A cart line changed to `quantity` (0 = removed from the cart). */
  cart_updated: z.looseObject({
    variantId: entityId,
    productId: entityId.optional(),
    quantity: z.number().int().min(0).max(999),
    cartId: entityId.optional(),
  }),
  /** A product (optionally a variant) was added to favourites; `removed: true` takes it off again. */
  favorited: z.looseObject({ productId: entityId, variantId: entityId.optional(), removed: z.boolean().optional() }),
  /** The person was at a store (locationId on the event): app geofence, Wi-Fi, check-in. */
  store_visited: z.looseObject({ trigger: z.string().max(40).optional() }),
  /** A member card was scanned at a store by a device other than the resolve endpoint (e.g. an offline POS). */
  member_scanned: z.looseObject({ method: z.string().max(40).optional() }),
  /** A coupon was shown to the person. */
  coupon_viewed: z.looseObject({ couponId: entityId, campaignId: entityId.optional() }),
};

/** Types that only make sense at a store, so they need the event's locationId. */
export const typesAtALocation: ReadonlySet<string> = new Set<ClientEventType>(['store_visited', 'member_scanned']);

/** Types a shopper's own device may not claim (a store records that it scanned the card). */
export const staffOnlyTypes: ReadonlySet<string> = new Set<ClientEventType>(['member_scanned']);
