import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { couponEffect, couponEffectCsv } from './coupons.ts';
import { dateRange, storeIds, tags, who } from './route-schemas.ts';
import { fileAnswer } from '../../platform/http/schemas.ts';

const range = dateRange(
  storeIds('Store ids where the coupon was used, comma-separated; none: every store the caller may see'),
);

const figures = {
  redeemed: z.number().int().describe('Uses that stand (the order not cancelled)'),
  discount: z.number().int().describe('The discount given, yen'),
  sales: z.number().int().describe('Net sales (tax included, returns deducted) of the orders that used it'),
};
const fig = z.object(figures);
const effect = z.object({
  from: z.string(),
  to: z.string(),
  locationIds: z.array(z.string()).nullable(),
  issued: z.number().int().nullable().describe('Single-use codes issued in the period (null with a store filter)'),
  used: z.number().int().nullable(),
  totals: fig,
  onlineToStore: fig.describe('Codes issued online (campaign, web, app, LINE) used at a till'),
  promotions: z.array(
    fig.extend({
      promotionId: z.string(),
      name: z.string(),
      issued: z.number().int().nullable(),
      used: z.number().int().nullable(),
      redemptionRate: z.number().nullable(),
      onlineToStore: fig,
    }),
  ),
  channels: z.array(fig.extend({ issueChannel: z.string(), channel: z.string() })),
  campaigns: z.array(
    fig.extend({
      campaignId: z.string(),
      issued: z.number().int().nullable(),
      used: z.number().int().nullable(),
      inStore: z.number().int(),
    }),
  ),
});

/** `/api/analytics/coupons`: クーポン効果. */
// Reports of kept rollups: lag-tolerant, so on `read` (the replica when there is one; server.ts).
export const couponEffectRoutes =
  (read: Db): FastifyPluginAsyncZod =>
  async (app) => {
    const input = (q: z.infer<typeof range>) => ({ from: q.from, to: q.to, locationIds: q.stores });
    app.get(
      '/api/analytics/coupons',
      {
        schema: {
          tags,
          summary:
            'クーポン効果: per promotion issued, used, discount and attributed sales, by channel of issue and of use (online → store)',
          description: who,
          querystring: range,
          response: { 200: effect },
        },
      },
      async (req) => couponEffect(read, req.principal, input(req.query)),
    );
    app.get(
      '/api/analytics/coupons/export.csv',
      {
        schema: {
          tags,
          summary: 'クーポン効果 as CSV (per promotion, then issue × use channel); no personal data; UTF-8 with BOM',
          description: who,
          querystring: range,
          response: { 200: fileAnswer('text/csv', 'The table as CSV') },
        },
      },
      async (req, reply) => {
        const r = await couponEffect(read, req.principal, input(req.query));
        return reply
          .headers({
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="coupons-${r.from}-${r.to}.csv"`,
            'cache-control': 'no-store',
          })
          .send(couponEffectCsv(r));
      },
    );
  };
