import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { latLng } from '../../platform/http/schemas.ts';
import { addFavourite, joinFavourites, MAX_FAVOURITES, removeFavourite } from './favourites.ts';
import { listFavourites } from './list.ts';
import { favouriteView } from './schemas.ts';

const id = z.string().min(1).max(64);
const productParam = z.object({ productId: id });
const favourite = z.object({ productId: z.string(), addedAt: z.string() });

/** お気に入り: a member's kept products (the web keeps a guest's in the browser and joins them at login). */
export const favouriteRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['account'];
    app.get(
      '/api/account/favourites',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Her favourites (お気に入り), newest first, with price and stock at her store',
          description:
            `One page: at most ${MAX_FAVOURITES}. The store is the one named (locationId), else the nearest to near, ` +
            'else her home store, else none (no stock shown). 入荷お知らせ for a variant that store has none of is a ' +
            'restock wish (POST /api/account/restock-wishes).',
          querystring: z.object({ locationId: id.optional(), near: latLng.optional() }),
          response: {
            200: z.object({
              store: z.object({ id: z.string(), name: z.string() }).nullable(),
              items: z.array(favouriteView),
              limit: z.number().int(),
            }),
          },
        },
      },
      async (req) => listFavourites(db, req.principal, req.query),
    );
    app.put(
      '/api/account/favourites/:productId',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Keep a product (♡ → ♥)',
          description: `201 when added, 200 when she kept it already; 409 past ${MAX_FAVOURITES}.`,
          params: productParam,
          response: { 200: favourite, 201: favourite },
        },
      },
      async (req, reply) => {
        const { favourite: kept, created } = await addFavourite(db, req.principal, req.params.productId);
        return reply.code(created ? 201 : 200).send(kept);
      },
    );
    app.delete(
      '/api/account/favourites/:productId',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'No longer keep a product (♥ → ♡)',
          params: productParam,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await removeFavourite(db, req.principal, req.params.productId);
        return reply.code(204).send(null);
      },
    );
    app.post(
      '/api/account/favourites/join',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Join the favourites kept in this browser before login to hers',
          description:
            'Unknown products are passed over, ones she keeps already counted as kept, and past the limit the rest ' +
            'are left out (overLimit).',
          body: z.object({ productIds: z.array(id).max(MAX_FAVOURITES) }).strict(),
          response: {
            200: z.object({
              joined: z.number().int(),
              kept: z.number().int(),
              unknown: z.number().int(),
              overLimit: z.number().int(),
            }),
          },
        },
      },
      async (req) => joinFavourites(db, req.principal, req.body.productIds),
    );
  };
