import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { addRestockWish, listRestockWishes, removeRestockWish } from './restock-wishes.ts';

const id = z.string().min(1).max(64);
const wishView = z.object({
  id: z.string(),
  variantId: z.string(),
  productId: z.string(),
  productName: z.string(),
  options: z.record(z.string(), z.string()),
  locationId: z.string().nullable().describe('The store she waits at; null: any store'),
  locationName: z.string().nullable(),
  createdAt: z.string(),
});

/** 「入荷したら知らせる」: the member's restock wishes (the 再入荷 trigger answers them). */
export const restockRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['engagement'];
    app.get(
      '/api/account/restock-wishes',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Her waiting restock notices (入荷のお知らせ), oldest first',
          querystring: z.object({ variantId: id.optional() }),
          response: { 200: z.object({ items: z.array(wishView) }) },
        },
      },
      async (req) => ({ items: await listRestockWishes(db, req.principal, req.query) }),
    );
    app.post(
      '/api/account/restock-wishes',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Tell me when it is back (入荷したら知らせる)',
          description:
            'At the store named, else her nearest (her last position, else her home store), else any store. ' +
            '409 while that store has it; the same wish again answers the waiting one (200).',
          body: z.object({ variantId: id, locationId: id.optional() }).strict(),
          response: { 200: wishView, 201: wishView },
        },
      },
      async (req, reply) => {
        const { wish, created } = await addRestockWish(db, req.principal, req.body);
        return reply.code(created ? 201 : 200).send(wish);
      },
    );
    app.delete(
      '/api/account/restock-wishes/:id',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'No longer wait (取り消す)',
          params: idParam,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await removeRestockWish(db, req.principal, req.params.id);
        return reply.code(204).send(null);
      },
    );
  };
