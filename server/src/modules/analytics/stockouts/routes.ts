import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../../platform/db/connection.ts';
import { dateRange, storeIds, tags, who } from '../route-schemas.ts';
import { stockoutCsv } from './csv.ts';
import { stockoutReport, type StockoutSignals } from './report.ts';
import { fileAnswer } from '../../../platform/http/schemas.ts';

const stockoutQuery = dateRange(storeIds('Location ids, comma-separated; none: every location the caller may see'));

const figures = z.object({
  stockouts: z.number().int().describe('Variant × location pairs out of stock with demand'),
  days: z.number().int().describe('Stockout days (Japan dates with nothing on hand)'),
  views: z.number().int(),
  refusedCheckouts: z.number().int(),
  restockRequests: z.number().int(),
  lostUnits: z.number().describe('Estimated lost units: in-stock daily sales rate × stockout days'),
  lostYen: z.number().int().describe('Estimated lost sales: lost units × the current price (tax included)'),
});
const row = z.object({
  variantId: z.string(),
  productId: z.string(),
  productName: z.string(),
  options: z.record(z.string(), z.string()),
  sku: z.string(),
  price: z.number().int(),
  days: z.number().int(),
  firstDay: z.string(),
  lastDay: z.string(),
  outNow: z.boolean(),
  views: z.number().int(),
  refusedCheckouts: z.number().int(),
  restockRequests: z.number().int(),
  dailyRate: z.number(),
  lostUnits: z.number(),
  lostYen: z.number().int(),
});
const reportSchema = z.object({
  from: z.string(),
  to: z.string(),
  locationIds: z.array(z.string()).nullable().describe('The locations read; null: all'),
  ledgerSeenAt: z.string().nullable().describe('The newest stock movement the kept spells reflect'),
  totals: figures,
  stores: z.array(
    z.object({
      locationId: z.string(),
      name: z.string(),
      kind: z.string(),
      totals: figures,
      worst: z.array(row).describe('The ten worst, by estimated lost sales'),
    }),
  ),
});

/** `/api/analytics/stockouts…`: 欠品・機会損失, read from the kept spells. */
export const stockoutRoutes =
  (db: Db, signals: StockoutSignals): FastifyPluginAsyncZod =>
  async (app) => {
    const input = (q: z.infer<typeof stockoutQuery>) => ({ from: q.from, to: q.to, locationIds: q.stores });
    app.get(
      '/api/analytics/stockouts',
      {
        schema: {
          tags,
          summary:
            'Stockouts with demand (views, refused checkouts, restock requests, sales rate) and estimated lost sales; the ten worst per store',
          description: who,
          querystring: stockoutQuery,
          response: { 200: reportSchema },
        },
      },
      async (req) => stockoutReport(db, req.principal, input(req.query), signals),
    );
    app.get(
      '/api/analytics/stockouts/export.csv',
      {
        schema: {
          tags,
          summary: 'The ten worst stockouts per store as CSV, each store’s totals first; UTF-8 with BOM',
          description: who,
          querystring: stockoutQuery,
          response: { 200: fileAnswer('text/csv', 'The table as CSV') },
        },
      },
      async (req, reply) => {
        const r = await stockoutReport(db, req.principal, input(req.query), signals);
        return reply
          .headers({
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="stockouts-${r.from}-${r.to}.csv"`,
            'cache-control': 'no-store',
          })
          .send(stockoutCsv(r));
      },
    );
  };
