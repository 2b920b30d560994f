import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { orderViewSchema, type OrderDeps } from '../orders/service.ts';
import { addToBasket, basketView, removeFromBasket } from './basket.ts';
import type { ExitPassKey } from './exit-pass.ts';
import { passOf, payBasket } from './pay.ts';
import { scanAndGoSettingsOf, setScanAndGoSettings } from './settings.ts';
import { verifyExitPass } from './verify.ts';

const id = z.string().min(1).max(64);
const int = z.number().int();
const tags = ['scan-and-go'];

export const settingsSchema = z.object({
  locationId: z.string(),
  enabled: z.boolean(),
  basketCap: int.describe('The most a basket may come to, yen tax included'),
  checkPercent: int.describe('The share of exit passes picked for 「商品を確認してください」, 0–100'),
});

const basketSchema = z.object({
  id: z.string().nullable().describe('null until the first item is scanned'),
  locationId: z.string(),
  storeName: z.string(),
  settings: settingsSchema,
  lines: z.array(
    z.object({
      variantId: z.string(),
      productId: z.string(),
      name: z.string(),
      options: z.record(z.string(), z.string()),
      jan: z.string(),
      unitPrice: int,
      quantity: int,
      total: int.describe('The line after promotions, tax included'),
    }),
  ),
  itemCount: int,
  subtotal: int,
  discountTotal: int,
  total: int,
  pointsToEarn: int,
});

const passSchema = z.object({
  code: z.string().describe('The exit pass QR: G1.<orderId>.<expires>.<mac>'),
  orderId: z.string(),
  orderNumber: z.string(),
  locationId: z.string(),
  itemCount: int,
  total: int,
  paidAt: z.string(),
  expiresAt: z.string(),
});

const paidSchema = z.object({ order: orderViewSchema, pass: passSchema });

export const payBody = z
  .object({
    method: z.enum(['wallet', 'card']).describe('What pays the rest after points'),
    usePoints: int.min(0).max(10_000_000).optional(),
    card: z.object({ number: z.string().max(30).optional(), token: z.string().max(200).optional() }).optional(),
  })
  .strict();

/** スキャン＆ゴー: the store's settings, her basket at a store, paying it, the exit pass and the door's check. */
export const scanAndGoRoutes =
  (db: Db, deps: OrderDeps, key: ExitPassKey): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/locations/:id/scan-and-go',
      {
        schema: {
          tags,
          summary: "A store's スキャン＆ゴー settings: on or off, the basket cap, the share of exit checks",
          security: [],
          params: z.object({ id }),
          response: { 200: settingsSchema },
        },
      },
      async (req) => scanAndGoSettingsOf(db, req.params.id),
    );
    app.put(
      '/api/locations/:id/scan-and-go',
      {
        schema: {
          tags,
          summary:
            'Switch スキャン＆ゴー on or off at a store, set its basket cap and check share (its manager, head office)',
          params: z.object({ id }),
          body: z
            .object({
              enabled: z.boolean().optional(),
              basketCap: int.min(1).max(10_000_000).optional(),
              checkPercent: int.min(0).max(100).optional(),
            })
            .strict(),
          response: { 200: settingsSchema },
        },
      },
      async (req) => setScanAndGoSettings(db, req.principal, req.params.id, req.body),
    );
    app.get(
      '/api/account/scan-and-go/:locationId',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Her scan-and-go basket at a store, priced as the store prices it',
          params: z.object({ locationId: id }),
          response: { 200: basketSchema },
        },
      },
      async (req) => basketView(db, req.principal, req.params.locationId),
    );
    app.post(
      '/api/account/scan-and-go/:locationId/lines',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Put a scanned item in her basket (the quantity is added)',
          description:
            '409 scan_and_go.off (switched off at this store), scan_and_go.not_sold (its category is not sold by ' +
            'スキャン＆ゴー), scan_and_go.not_stocked (not in stock here for the quantity), scan_and_go.over_cap ' +
            "(the basket would pass the store's cap).",
          params: z.object({ locationId: id }),
          body: z.object({ variantId: id, quantity: int.min(1).max(99).default(1) }).strict(),
          response: { 200: basketSchema },
        },
      },
      async (req) => addToBasket(db, req.principal, req.params.locationId, req.body),
    );
    app.delete(
      '/api/account/scan-and-go/:locationId/lines/:variantId',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Take an item out of her basket',
          params: z.object({ locationId: id, variantId: id }),
          response: { 200: basketSchema },
        },
      },
      async (req) => removeFromBasket(db, req.principal, req.params.locationId, req.params.variantId),
    );
    app.post(
      '/api/account/scan-and-go/baskets/:basketId/pay',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Pay her basket in the app (points, then wallet or card): a sale of the store, and its exit pass',
          description:
            'The basket is the idempotency key: paying it again (a double tap, a retry) answers with the same sale ' +
            'and pass (replayed). The stock is reserved before the card, so the last units go to one buyer; the ' +
            'others get 409. A card confirmed in the browser (Stripe) is not offered here (409 payment.card_unavailable).',
          params: z.object({ basketId: id }),
          body: payBody,
          response: { 200: paidSchema.extend({ replayed: z.boolean() }) },
        },
      },
      async (req) => payBasket(db, deps, key, req.principal, req.params.basketId, req.body),
    );
    app.get(
      '/api/account/scan-and-go-passes/:orderId',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Her exit pass of a paid basket, shown again (the same code until it lapses)',
          params: z.object({ orderId: id }),
          response: { 200: paidSchema },
        },
      },
      async (req) => passOf(db, key, req.principal, req.params.orderId),
    );
    app.post(
      '/api/scan-and-go/exit-passes/verify',
      {
        schema: {
          tags,
          summary: "A clerk at the door scans a shopper's exit pass: the paid items and whether to check them",
          description:
            'The first scan records who verified it and when; a scan again within 2 minutes shows it again ' +
            '(again: true), later it is 409 scan_and_go.pass_used. 400 scan_and_go.pass_invalid (forged, altered, ' +
            'not a pass), 409 scan_and_go.pass_expired, scan_and_go.pass_other_store.',
          body: z.object({ locationId: id, code: z.string().min(1).max(200) }).strict(),
          response: {
            200: z.object({
              orderId: z.string(),
              orderNumber: z.string(),
              paidAt: z.string(),
              itemCount: int,
              total: int,
              mustCheck: z.boolean().describe('「商品を確認してください」 (true) or 「確認不要」'),
              verifiedAt: z.string(),
              verifiedBy: z.string(),
              again: z.boolean(),
              lines: z.array(
                z.object({
                  name: z.string(),
                  options: z.record(z.string(), z.string()),
                  jan: z.string(),
                  quantity: int,
                  total: int,
                }),
              ),
            }),
          },
        },
      },
      async (req) => verifyExitPass(db, key, req.principal, req.body),
    );
  };
