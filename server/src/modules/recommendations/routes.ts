import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { requireCustomer } from '../../platform/auth.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { alsoBought, recommendFor } from './reads.ts';
import { recommendationList, recommendationQuery } from './views.ts';

const tags = ['recommendations'];

/** The product page's 「一緒に買われている商品」 and a member's おすすめ on the shop's home. */
// Both lists are recomputed hourly or from her history: lag-tolerant, so on `read` (the replica when there is one).
export const recommendationRoutes =
  (read: Db): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/products/:id/recommendations',
      {
        schema: {
          tags,
          summary: '一緒に買われている商品: products most often in the same members’ histories (public)',
          description:
            'From every channel’s purchases and online views, carts and favourites; only products on sale and in stock somewhere. ' +
            'Empty until the product shares members with others (the list is recomputed hourly).',
          security: [],
          params: idParam,
          querystring: recommendationQuery,
          response: { 200: recommendationList },
        },
      },
      async (req) => ({ items: await alsoBought(read, req.params.id, { n: req.query.limit }) }),
    );

    app.get(
      '/api/account/recommendations',
      {
        schema: {
          tags: ['account', ...tags],
          summary:
            'おすすめ for me: from my purchases in every channel and what I looked at, not what I already bought',
          querystring: recommendationQuery,
          response: { 200: recommendationList },
        },
      },
      async (req) => {
        const me = requireCustomer(req.principal);
        return { items: await recommendFor(read, me.customerId, { n: req.query.limit }) };
      },
    );
  };
