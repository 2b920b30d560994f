import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { lookupOrder } from './lookup.ts';
import { lookupBody, orderView } from './schemas.ts';

export const orderLookupRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/orders/lookup',
      {
        config: { throttled: true, public: true, customer: true },
        schema: {
          tags: ['orders'],
          summary: 'A guest finds their order by its number and the e-mail given at checkout (throttled)',
          security: [],
          body: lookupBody,
          response: { 200: orderView },
        },
      },
      async (req) => lookupOrder(db, req.body, req.ip),
    );
  };
