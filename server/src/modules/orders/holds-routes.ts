import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { requireCustomer } from '../../platform/auth.ts';
import type { CheckoutDeps } from './deps.ts';
import { placeHold } from './place-hold.ts';
import { orderView } from './schemas.ts';

const holdBody = z.object({
  variantId: z.string().min(1).max(64),
  locationId: z.string().min(1).max(64),
  quantity: z.number().int().min(1).max(5).optional(),
});

/** 取り置き from the product page: one tap, the item set aside at a store until its closing time. */
export const holdRoutes =
  (db: Db, deps: CheckoutDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/account/holds',
      {
        config: { customer: true, idempotent: true },
        schema: {
          tags: ['account'],
          summary: 'Hold an item at a store for me (取り置き): reserved until closing time, paid at the till',
          description:
            'Her own cart for this one item (her shopping cart is left alone), then the same checkout as any ' +
            'order: 409 inventory.insufficient_stock when the store has none left. The order is in the store’s ' +
            'pickup queue; the clerk sets it aside (ready) and takes the payment when she collects it.',
          body: holdBody,
          response: { 201: orderView },
        },
      },
      async (req, reply) => {
        const me = requireCustomer(req.principal);
        const order = await placeHold(db, deps, { customerId: me.customerId, ...req.body, channel: 'web' });
        return reply.code(201).send(order);
      },
    );
  };
