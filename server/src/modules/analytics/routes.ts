import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { omniCsv, salesCsv } from './csv.ts';
import { omniReport } from './omni.ts';
import { daysIn } from './periods.ts';
import { dateRange, japanDate, storeIds, tags, who } from './route-schemas.ts';
import { salesReport } from './sales.ts';
import { fileAnswer } from '../../platform/http/schemas.ts';

const stores = storeIds();
const range = dateRange(stores);
const salesQuery = z
  .object({
    from: japanDate,
    to: japanDate,
    stores,
    grain: z.enum(['day', 'week', 'month']).default('day'),
    breakdown: z.enum(['channel', 'store', 'category']).default('channel'),
  })
  .refine((q) => q.from <= q.to, { message: 'from_after_to', path: ['to'] })
  .refine((q) => q.from > q.to || daysIn(q) <= 1100, { message: 'range_too_long', path: ['to'] });

const figures = z.object({
  orders: z.number().int(),
  units: z.number().int(),
  gross: z.number().int().describe('Sales after discounts, tax included, before returns'),
  discount: z.number().int(),
  returned: z.number().int(),
  net: z.number().int().describe('Net sales, tax included: gross − returned'),
  netExcl: z.number().int().describe('Net sales without consumption tax'),
  averageBasket: z.number().int().describe('net ÷ orders'),
});
const period = z.object({ from: z.string(), to: z.string() });
const salesReportSchema = period.extend({
  grain: z.enum(['day', 'week', 'month']),
  breakdown: z.enum(['channel', 'store', 'category']),
  locationIds: z.array(z.string()).nullable().describe('The stores read; null: all'),
  previous: period,
  lastYear: period,
  totals: z.object({ current: figures, previous: figures, lastYear: figures }),
  series: z.array(figures.extend({ period: z.string().describe('The first day of the day, week (Monday) or month') })),
  rows: z.array(
    z.object({ key: z.string(), label: z.string(), current: figures, previous: figures, lastYear: figures }),
  ),
  breakdownSeries: z.array(
    z.object({
      period: z.string(),
      key: z.string(),
      net: z.number().int(),
      netExcl: z.number().int(),
      orders: z.number().int(),
      units: z.number().int(),
    }),
  ),
});
const omniGroup = z.object({
  customers: z.number().int(),
  orders: z.number().int(),
  spend: z.number().int(),
  spendPerCustomer: z.number().int(),
  annualSpendPerCustomer: z.number().int(),
  frequency: z.number(),
  averageBasket: z.number().int(),
  retention12: z.number().nullable(),
  retentionBase: z.number().int(),
});
const omniReportSchema = period.extend({
  locationIds: z.array(z.string()).nullable(),
  single: omniGroup,
  omni: omniGroup,
  spendRatio: z.number().nullable(),
});

const csv = (name: string) => ({
  'content-type': 'text/csv; charset=utf-8',
  'content-disposition': `attachment; filename="${name}"`,
  'cache-control': 'no-store',
});

/** `/api/analytics/…`: the head office's figures, read from the rollups (lag-tolerant: on `read`, the replica when there is one). */
export const analyticsRoutes =
  (read: Db): FastifyPluginAsyncZod =>
  async (app) => {
    const salesInput = (q: z.infer<typeof salesQuery>) => ({
      from: q.from,
      to: q.to,
      grain: q.grain,
      breakdown: q.breakdown,
      locationIds: q.stores,
    });
    app.get(
      '/api/analytics/sales',
      {
        schema: {
          tags,
          summary:
            'Net sales by day, week or month, by channel, store or category; against the previous period and last year',
          description: who,
          querystring: salesQuery,
          response: { 200: salesReportSchema },
        },
      },
      async (req) => salesReport(read, req.principal, salesInput(req.query)),
    );
    app.get(
      '/api/analytics/sales/export.csv',
      {
        schema: {
          tags,
          summary: 'The sales table as CSV (期間, 区分, 注文数, 点数, 純売上 税込/税抜, 平均客単価); UTF-8 with BOM',
          description: who,
          querystring: salesQuery,
          response: { 200: fileAnswer('text/csv', 'The table as CSV') },
        },
      },
      async (req, reply) => {
        const r = await salesReport(read, req.principal, salesInput(req.query));
        return reply.headers(csv(`sales-${r.from}-${r.to}.csv`)).send(salesCsv(r));
      },
    );
    app.get(
      '/api/analytics/omni',
      {
        schema: {
          tags,
          summary: 'Members who bought in one channel against two or more: count, spend, frequency, basket, retention',
          description: who,
          querystring: range,
          response: { 200: omniReportSchema },
        },
      },
      async (req) =>
        omniReport(read, req.principal, { from: req.query.from, to: req.query.to, locationIds: req.query.stores }),
    );
    app.get(
      '/api/analytics/omni/export.csv',
      {
        schema: {
          tags,
          summary: 'The omni-channel table as CSV; UTF-8 with BOM',
          description: who,
          querystring: range,
          response: { 200: fileAnswer('text/csv', 'The table as CSV') },
        },
      },
      async (req, reply) => {
        const r = await omniReport(read, req.principal, {
          from: req.query.from,
          to: req.query.to,
          locationIds: req.query.stores,
        });
        return reply.headers(csv(`omni-${r.from}-${r.to}.csv`)).send(omniCsv(r));
      },
    );
  };
