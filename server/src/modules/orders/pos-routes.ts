import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import type { MemberCodeKey } from '../customers/service.ts';
import { tillQuote, tillSale } from './pos.ts';
import { tillOfflinePack } from './offline-pack.ts';
import {
  tillOfflinePackQuery,
  tillOfflinePackView,
  tillQuoteBody,
  tillQuoteView,
  tillSaleBody,
  tillSaleView,
} from './schemas.ts';

const tags = ['pos'];

/** The till: price a basket, then sell it. */
export const posRoutes =
  (db: Db, memberKey: MemberCodeKey, offlineLimit: number): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/pos/offline-pack',
      {
        schema: {
          tags,
          summary:
            "What a store's till keeps to sell offline: variants with prices, tax rates and categories, the store's automatic promotions, the receipt header, the offline limit",
          querystring: tillOfflinePackQuery,
          response: { 200: tillOfflinePackView },
        },
      },
      async (req) => tillOfflinePack(db, req.principal, req.query.locationId, offlineLimit),
    );
    app.post(
      '/api/pos/quote',
      {
        schema: {
          tags,
          summary: 'Price a till basket (promotions, tier, coupons, 内消費税) without selling it',
          body: tillQuoteBody,
          response: { 200: tillQuoteView },
        },
      },
      async (req) => tillQuote(db, memberKey, req.principal, req.body),
    );
    app.post(
      '/api/pos/sales',
      {
        config: { idempotent: true },
        schema: {
          tags,
          summary:
            'A sale at the till: JAN lines, member, split payments with change, receipt (clientTransactionId makes a resubmission harmless)',
          body: tillSaleBody,
          response: { 201: tillSaleView, 200: tillSaleView },
        },
      },
      async (req, reply) => {
        const r = await tillSale(db, memberKey, req.principal, req.body);
        return reply.code(r.replayed ? 200 : 201).send(r);
      },
    );
  };
