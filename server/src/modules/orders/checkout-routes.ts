import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { checkout } from './place-order/checkout.ts';
import type { CheckoutDeps } from './deps.ts';
import { checkoutBody, orderView } from './schemas.ts';

export const checkoutRoutes =
  (db: Db, deps: CheckoutDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/checkout/payment-methods',
      {
        config: { public: true },
        schema: {
          tags: ['carts'],
          summary: 'How a shopper may pay online here: whether cards are taken (an acquirer is configured)',
          security: [],
          response: {
            200: z.object({
              card: z.boolean().describe('Cards are taken online (false: no acquirer configured)'),
              testCards: z
                .boolean()
                .describe('The acquirer is the built-in test one (the demo): test card numbers, no real money'),
            }),
          },
        },
      },
      async () => ({ card: deps.card.available, testCards: deps.card.name === 'test' }),
    );

    app.post(
      '/api/carts/:id/checkout',
      {
        config: { public: true, customer: true, idempotent: true },
        schema: {
          tags: ['carts'],
          summary: 'Place the order: stock reserved, card authorised, points and wallet taken — all or nothing',
          params: idParam,
          body: checkoutBody,
          response: { 201: orderView, 200: orderView },
        },
      },
      async (req, reply) => {
        const { order, replayed } = await checkout(db, deps, req.principal, req.params.id, req.body);
        return reply.code(replayed ? 200 : 201).send(order);
      },
    );
  };
