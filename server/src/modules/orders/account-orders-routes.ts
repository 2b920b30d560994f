import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { myOrder, myOrderPage, reorder } from './account-orders.ts';
import { cartView, orderView, receiptView } from './schemas.ts';

const tags = ['account'];
const int = z.number().int();

const myOrderQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

const myReturnView = z.object({
  id: z.string(),
  createdAt: z.string(),
  locationId: z.string(),
  storeName: z.string().nullable(),
  refundTotal: int,
  byMethod: z.object({ card: int, wallet: int, points: int, cash: int }),
  pointsReversed: int,
  lines: z.array(
    z.object({ orderLineId: z.string(), name: z.string(), options: z.string(), quantity: int, amount: int }),
  ),
});

const reorderLine = z.object({ variantId: z.string(), name: z.string(), options: z.string() });

/** マイページ's order history: her orders of every channel, one with its e-receipt and returns, and reorder. */
export const accountOrderRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/account/orders',
      {
        schema: {
          tags,
          summary: 'My orders of every channel (web, app, till, pickups and holds), newest first, paged',
          querystring: myOrderQuery,
          response: { 200: z.object({ items: z.array(orderView), nextCursor: z.string().nullable() }) },
        },
      },
      async (req) => myOrderPage(db, req.principal, req.query),
    );
    app.get(
      '/api/account/orders/:id',
      {
        schema: {
          tags,
          summary: 'One of my orders with its e-receipt (a till sale: the printed receipt) and its returns',
          description: "Another member's order answers 404, as one that does not exist.",
          params: idParam,
          response: {
            200: z.object({ order: orderView, receipt: receiptView, returns: z.array(myReturnView) }),
          },
        },
      },
      async (req) => myOrder(db, req.principal, req.params.id),
    );
    app.post(
      '/api/account/orders/:id/reorder',
      {
        config: { customer: true, idempotent: true },
        schema: {
          tags,
          summary: '「もう一度買う」: put the order’s items still sold into my cart; name those no longer sold',
          params: idParam,
          response: {
            200: z.object({
              cart: cartView,
              added: z.array(reorderLine.extend({ quantity: int })),
              unavailable: z.array(reorderLine),
            }),
          },
        },
      },
      async (req) => reorder(db, req.principal, req.params.id),
    );
  };
