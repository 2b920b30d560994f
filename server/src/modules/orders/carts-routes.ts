import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { requireCustomer } from '../../platform/auth.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { addLine, cartView, createCart, myCart, setFulfilment, setLine } from './carts.ts';
import { cartBody, cartLineBody, cartLineParams, cartView as cartAnswer, fulfilmentBody } from './schemas.ts';
import { z } from 'zod';
import { callers } from '../../platform/http/openapi.ts';

const tags = ['carts'];
const open = { public: true, customer: true } as const;

/** A cart's life before checkout: start it, fill it, choose how it reaches the person. */
export const cartRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/carts',
      {
        config: open,
        schema: {
          security: callers.anyoneOrSignedIn,
          tags,
          summary: 'Start a cart (anonymous device, member, or a till)',
          body: cartBody,
          response: { 201: cartAnswer },
        },
      },
      async (req, reply) => reply.code(201).send(await createCart(db, req.principal, req.body)),
    );
    app.get(
      '/api/carts/:id',
      {
        schema: {
          tags,
          summary: 'A cart with totals, taxes and stock issues',
          params: idParam,
          response: { 200: cartAnswer },
        },
      },
      async (req) => cartView(db, req.principal, req.params.id),
    );
    app.get(
      '/api/account/cart',
      {
        schema: {
          tags: ['account'],
          summary: 'My open cart (the anonymous cart of this device joins it)',
          response: { 200: cartAnswer },
        },
      },
      async (req) => myCart(db, requireCustomer(req.principal)),
    );
    app.post(
      '/api/carts/:id/lines',
      {
        config: open,
        schema: { tags, summary: 'Add an item', params: idParam, body: cartLineBody, response: { 200: cartAnswer } },
      },
      async (req) => addLine(db, req.principal, req.params.id, req.body.variantId, req.body.quantity),
    );
    app.put(
      '/api/carts/:id/lines/:variantId',
      {
        config: open,
        schema: {
          tags,
          summary: 'Set a line’s quantity (0 removes it)',
          params: cartLineParams,
          body: z.object({ quantity: z.number().int().min(0).max(99) }),
          response: { 200: cartAnswer },
        },
      },
      async (req) => setLine(db, req.principal, req.params.id, req.params.variantId, req.body.quantity),
    );
    app.delete(
      '/api/carts/:id/lines/:variantId',
      {
        config: open,
        schema: { tags, summary: 'Remove a line', params: cartLineParams, response: { 200: cartAnswer } },
      },
      async (req) => setLine(db, req.principal, req.params.id, req.params.variantId, 0),
    );
    app.put(
      '/api/carts/:id/fulfilment',
      {
        config: open,
        schema: {
          tags,
          summary: 'Choose shipping or a store to pick up from',
          params: idParam,
          body: fulfilmentBody,
          response: { 200: cartAnswer },
        },
      },
      async (req) => setFulfilment(db, req.principal, req.params.id, req.body),
    );
  };
