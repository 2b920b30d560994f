import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../../platform/auth.ts';
import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { getVariants } from '../catalog/service.ts';
import { toCsv } from '../../platform/csv.ts';
import { moveStock } from '../inventory/service.ts';
import { keptAccuracy, keptForecast } from './forecast/kept-forecast.ts';
import {
  REPLENISHMENT_PAGE,
  SERVICE_LEVELS,
  suggestReplenishment,
  type ServiceLevel,
} from './forecast/replenishment.ts';
import { fileAnswer } from '../../platform/http/schemas.ts';

const accuracyRow = z.object({
  key: z.string().describe('location id, department category id, or * for all'),
  units: z.number().int().describe('units sold in the held-out days'),
  wape: z.number().nullable().describe('Σ|actual − forecast| ÷ Σ actual of each item × location’s 4-week total'),
  naiveWape: z.number().nullable().describe('the same for "same as last week" (its week × 4)'),
  dailyWape: z.number().nullable().describe('Σ|actual − forecast| ÷ Σ actual, day by day'),
  dailyNaiveWape: z.number().nullable(),
});

/** Head office any location; a store manager her own stores (403 otherwise). */
function requireLocationPlanner(principal: Parameters<typeof requireRole>[0], locationId: string) {
  const staff = requireRole(principal, 'owner', 'hq', 'store_manager');
  if (staff.role === 'store_manager' && !staff.locationIds.includes(locationId))
    throw new DomainError('platform.forbidden', {
      reason: '担当店舗の需要予測と補充提案だけを見られます。',
      reasonEn: 'You can see the forecast and suggestions of your own stores only.',
    });
  return staff;
}

const replenishmentQuery = z.object({
  locationId: z.string().min(1).max(64),
  leadDays: z.coerce.number().int().min(1).max(60).default(7).describe('days until goods arrive'),
  serviceLevel: z
    .enum(Object.keys(SERVICE_LEVELS) as [ServiceLevel, ...ServiceLevel[]])
    .default('0.95')
    .describe('the chance of not running out before they arrive'),
});
const replenishmentPage = replenishmentQuery.extend({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(REPLENISHMENT_PAGE)
    .describe('how many suggestions, largest shortfall first (total: how many there are)'),
});

/** 需要予測: the next 28 days per variant at a location, and the forecast's held-out accuracy. */
export const forecastRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['analytics'];
    app.get(
      '/api/analytics/forecast',
      {
        schema: {
          tags,
          summary: 'Demand forecast (需要予測): units per variant for the next 28 days at a location',
          description:
            'Head office: any location. A store manager: her own stores (403 otherwise). The 200 items in most demand.',
          querystring: z.object({ locationId: z.string().min(1).max(64) }),
          response: {
            200: z.object({
              from: z.string().describe('the first forecast day (Japan date)'),
              days: z.number().int(),
              computedAt: z
                .string()
                .nullable()
                .describe('when the kept forecast was computed (once a Japan day); null: computed for this request'),
              items: z.array(
                z.object({
                  variantId: z.string(),
                  productId: z.string(),
                  productName: z.string(),
                  options: z.record(z.string(), z.string()),
                  method: z.enum(['holt_winters', 'category_profile']),
                  units: z.number(),
                  daily: z.array(z.number()),
                  last28: z.number().int(),
                }),
              ),
            }),
          },
        },
      },
      async (req) => {
        requireLocationPlanner(req.principal, req.query.locationId);
        const forecast = await keptForecast(db, { locationId: req.query.locationId });
        const top = forecast.items.slice(0, 200);
        const names = await getVariants(
          db,
          top.map((i) => i.variantId),
        );
        return {
          ...forecast,
          items: top.map((i) => ({
            variantId: i.variantId,
            productId: i.productId,
            productName: names.get(i.variantId)?.productName ?? '',
            options: names.get(i.variantId)?.options ?? {},
            method: i.method,
            units: i.units,
            daily: i.daily,
            last28: i.last28,
          })),
        };
      },
    );
    app.get(
      '/api/analytics/forecast/accuracy',
      {
        schema: {
          tags,
          summary: 'The forecast checked on the last 28 days (WAPE against "same as last week")',
          response: {
            200: z.object({
              from: z.string(),
              to: z.string(),
              overall: accuracyRow,
              byLocation: z.array(accuracyRow),
              byDepartment: z.array(accuracyRow),
              methods: z.object({ holt_winters: z.number().int(), category_profile: z.number().int() }),
            }),
          },
        },
      },
      async (req) => {
        requireRole(req.principal, 'owner', 'hq');
        return keptAccuracy(db);
      },
    );
    app.get(
      '/api/analytics/replenishment',
      {
        schema: {
          tags,
          summary: 'Replenishment suggestions (補充提案): what to transfer from nearby or buy, per variant',
          description:
            'Available stock against the forecast over the lead time plus safety stock (z × σ × √lead). ' +
            'Stores within 30 km and warehouses with more than they need send first; the rest is to buy. ' +
            'Largest shortfall first, the first `limit` (100 unless asked); the purchase CSV has them all.',
          querystring: replenishmentPage,
          response: {
            200: z.object({
              locationId: z.string(),
              leadDays: z.number().int(),
              serviceLevel: z.string(),
              total: z.number().int().describe('suggestions in all; items are the first `limit`'),
              items: z.array(
                z.object({
                  variantId: z.string(),
                  productName: z.string(),
                  options: z.record(z.string(), z.string()),
                  jan: z.string(),
                  forecast: z.number(),
                  safety: z.number(),
                  available: z.number().int(),
                  incoming: z.number().int().describe('sent here, not yet received'),
                  shortfall: z.number().int(),
                  transfers: z.array(
                    z.object({
                      fromLocationId: z.string(),
                      fromName: z.string(),
                      km: z.number(),
                      quantity: z.number().int(),
                    }),
                  ),
                  purchase: z.number().int(),
                }),
              ),
            }),
          },
        },
      },
      async (req) => {
        requireLocationPlanner(req.principal, req.query.locationId);
        return suggestReplenishment(db, req.query);
      },
    );
    app.get(
      '/api/analytics/replenishment/purchase.csv',
      {
        schema: {
          tags,
          summary: 'What to buy (発注リスト) as CSV: JAN, product, options, units',
          querystring: replenishmentQuery,
          response: { 200: fileAnswer('text/csv', 'The purchase list as CSV') },
        },
      },
      async (req, reply) => {
        requireLocationPlanner(req.principal, req.query.locationId);
        const { items } = await suggestReplenishment(db, req.query);
        const csv = toCsv(
          items
            .filter((i) => i.purchase > 0)
            .map((i) => ({
              jan: i.jan,
              product: i.productName,
              options: Object.values(i.options).join(' '),
              units: i.purchase,
            })),
          { jan: 'JAN', product: '商品', options: '色・サイズ', units: '発注数' },
        );
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="purchase-${req.query.locationId}.csv"`)
          .header('cache-control', 'no-store')
          .send(csv);
      },
    );
    app.post(
      '/api/analytics/replenishment/transfers',
      {
        config: { idempotent: true },
        schema: {
          tags,
          summary: 'Accept a suggested transfer: the stock leaves the source (店間移動)',
          description:
            'As the inventory module moves it: whoever may move stock at the source (its manager, head office).',
          body: z
            .object({
              variantId: z.string().min(1).max(64),
              fromLocationId: z.string().min(1).max(64),
              toLocationId: z.string().min(1).max(64),
              quantity: z.number().int().min(1).max(10_000),
            })
            .strict(),
          response: { 201: z.object({ transferId: z.string().nullable(), quantity: z.number().int() }) },
        },
      },
      async (req, reply) => {
        requireRole(req.principal, 'owner', 'hq', 'store_manager');
        const moved = await moveStock(db, req.principal, {
          variantId: req.body.variantId,
          locationId: req.body.fromLocationId,
          toLocationId: req.body.toLocationId,
          kind: 'transfer',
          quantity: req.body.quantity,
          reason: '補充提案',
        });
        return reply.code(201).send({ transferId: moved.transfer?.id ?? null, quantity: req.body.quantity });
      },
    );
  };
