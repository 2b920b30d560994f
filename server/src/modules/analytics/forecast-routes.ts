import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../../platform/auth.ts';
import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { getVariants } from '../catalog/service.ts';
import { forecastAccuracy, forecastDemand } from './forecast/demand-forecast.ts';

const accuracyRow = z.object({
  key: z.string().describe('location id, department category id, or * for all'),
  units: z.number().int().describe('units sold in the held-out days'),
  wape: z.number().nullable().describe('Σ|actual − forecast| ÷ Σ actual'),
  naiveWape: z.number().nullable().describe('the same for "same as last week"'),
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
        const staff = requireRole(req.principal, 'owner', 'hq', 'store_manager');
        if (staff.role === 'store_manager' && !staff.locationIds.includes(req.query.locationId))
          throw new DomainError('platform.forbidden', {
            reason: '担当店舗の需要予測だけを見られます。',
            reasonEn: 'You can see the forecast of your own stores only.',
          });
        const forecast = await forecastDemand(db, { locationId: req.query.locationId });
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
        return forecastAccuracy(db);
      },
    );
  };
