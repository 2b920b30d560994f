import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { checkout } from './place-order/checkout.ts';
import { beginCardPayment } from './place-order/browser-card.ts';
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
              stripe: z
                .object({
                  publishableKey: z.string(),
                  scriptUrl: z.string().describe('Where to load Stripe.js from (STRIPE_JS_URL)'),
                })
                .nullable()
                .describe(
                  'Set when the card is confirmed in the browser with Stripe.js (Elements): start with POST /api/carts/{id}/card-payment',
                ),
            }),
          },
        },
      },
      async () => ({
        card: deps.card.available,
        testCards: deps.card.name === 'test',
        stripe: deps.card.browser
          ? { publishableKey: deps.card.browser.publishableKey, scriptUrl: deps.card.browser.scriptUrl }
          : null,
      }),
    );

    app.post(
      '/api/carts/:id/card-payment',
      {
        config: { public: true, customer: true, idempotent: true },
        schema: {
          tags: ['carts'],
          summary:
            'Start a card payment the browser confirms (Stripe): the stock is held while she confirms, the answer carries the client secret',
          description:
            'Same body as checkout. Confirm with Stripe.js (`confirmCardPayment(clientSecret, …)`, 3-D Secure included), then POST checkout with `payment.card.token` = `paymentIntentId`. Never confirmed: the intent is cancelled and the stock released at `holdUntil`.',
          params: idParam,
          body: checkoutBody,
          response: {
            201: z.object({
              paymentIntentId: z.string(),
              clientSecret: z.string(),
              amount: z.number().int().describe('Yen to be authorised'),
              holdUntil: z.string().datetime(),
            }),
          },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await beginCardPayment(db, deps, req.principal, req.params.id, req.body)),
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
