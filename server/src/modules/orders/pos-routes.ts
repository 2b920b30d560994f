import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import type { MemberCodeKey } from '../customers/service.ts';
import { tillQuote, tillSale } from './pos.ts';
import { tillQuoteBody, tillQuoteView, tillSaleBody, tillSaleView } from './schemas.ts';

const tags = ['pos'];

/** The till: price a basket, then sell it. */
export const posRoutes =
  (db: Db, memberKey: MemberCodeKey): FastifyPluginAsyncZod =>
  async (app) => {
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
