import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { assertOrderAccess } from './access.ts';
import type { CheckoutDeps } from './deps.ts';
import { createReturn, orderForReturn, returnsOf } from './returns.ts';
import { readRefundSlip } from './refund-slip.ts';
import { refundSlipView, returnBody, returnList, returnLookupView, returnResultView } from './schemas.ts';
import { callers } from '../../platform/http/openapi.ts';

const tags = ['orders'];

/** Returns anywhere: find the order by its receipt number, take goods back, list an order's returns. */
export const returnRoutes =
  (db: Db, deps: CheckoutDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/orders/:id/returns',
      {
        config: { idempotent: true },
        schema: {
          tags,
          summary:
            'Returns anywhere: take back handed-over goods at any store, restock there, refund in proportion to the payments, reverse earned points',
          params: idParam,
          body: returnBody,
          response: { 201: returnResultView, 200: returnResultView },
        },
      },
      async (req, reply) => {
        const key = req.headers['idempotency-key'];
        const r = await createReturn(
          db,
          deps,
          req.principal,
          req.params.id,
          req.body,
          typeof key === 'string' ? key : undefined,
        );
        return reply.code(r.replayed ? 200 : 201).send({ return: r.return, order: r.order });
      },
    );
    app.get(
      '/api/returns/lookup',
      {
        schema: {
          tags,
          summary:
            'The order a customer brings back, by the number on the receipt (any staff: returns are taken at any store), with its earlier returns',
          querystring: z.object({ number: z.string().min(1).max(40) }),
          response: { 200: returnLookupView },
        },
      },
      async (req) => orderForReturn(db, req.principal, req.query.number),
    );
    app.get(
      '/api/orders/:id/returns',
      {
        schema: {
          security: callers.staffOrCustomer,
          tags,
          summary: 'An order’s returns with refunds per method',
          params: idParam,
          response: { 200: returnList },
        },
      },
      async (req) => {
        await assertOrderAccess(db, req.principal, req.params.id);
        const items = await returnsOf(db, req.params.id);
        // Who took it back and what the store could not recover are the store's business, not the member's.
        return req.principal.kind === 'customer'
          ? { items: items.map((r) => ({ ...r, staffId: null, pointsUnrecovered: 0 })) }
          : { items };
      },
    );
    app.get(
      '/api/returns/:id/slip',
      {
        schema: {
          security: callers.staffOrCustomer,
          tags,
          summary:
            'A return’s refund slip (返品・返金明細; with the registration number a 適格返還請求書): the store that took it back, the order’s store, or its customer',
          params: idParam,
          response: { 200: refundSlipView },
        },
      },
      async (req) => readRefundSlip(db, req.principal, req.params.id),
    );
  };
