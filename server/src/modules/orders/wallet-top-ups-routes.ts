import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { idParam } from '../../platform/http/schemas.ts';
import type { CheckoutDeps } from './deps.ts';
import { paymentBody } from './schemas.ts';
import { topUpResultSchema } from '../loyalty/service.ts';
import { topUpOptions, topUpWithCard } from './wallet-top-ups.ts';
import { beginBrowserTopUp, completeBrowserTopUp } from './browser-top-ups.ts';

/** The card as checkout takes it: whatever the acquirer's browser side sends (a test number, a token). */
const cardInput = paymentBody.options[0].shape.card;

/** Yen put on the wallet; at most the rules' maxTopUp (default ¥50,000). */
const topUpAmount = z.number().int().min(1).max(10_000_000);

export const cardTopUpBody = z.object({
  amount: topUpAmount,
  card: cardInput,
});

export const topUpOptionsView = z.object({
  card: z.boolean().describe('A card acquirer is configured: the app offers card top-up'),
  testCards: z.boolean().describe('The acquirer is the built-in test one (the demo)'),
  stripe: z
    .object({
      publishableKey: z.string(),
      scriptUrl: z.string().describe('Where to load Stripe.js from (STRIPE_JS_URL)'),
    })
    .nullable()
    .describe(
      'Set when the card is confirmed in the browser with Stripe.js: start with POST /api/account/wallet/top-ups/card-payment',
    ),
  maxTopUp: z.number(),
  maxBalance: z.number(),
  balance: z.number(),
});

/** チャージ in the app by card (the member's own wallet). */
export const walletTopUpRoutes =
  (db: Db, deps: CheckoutDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/account/wallet/top-up-options',
      {
        schema: {
          tags: ['account'],
          summary: 'Whether I can top up my wallet by card here, and the limits',
          response: { 200: topUpOptionsView },
        },
      },
      async (req) => topUpOptions(db, deps.card, req.principal),
    );
    app.post(
      '/api/account/wallet/top-ups',
      {
        config: { customer: true, idempotent: true },
        schema: {
          tags: ['account'],
          summary: 'Top up my wallet by card (チャージ): authorise, capture, credit',
          description:
            'Needs an Idempotency-Key header: the same key is the same top-up (one charge, one credit). A declined ' +
            'card is 402 payment.declined and nothing is credited; no acquirer configured is 409 payment.card_unavailable. ' +
            'With Stripe (the card confirmed in the browser) use card-payment and complete instead (400 here).',
          headers: z.object({ 'idempotency-key': z.string().min(8).max(200) }),
          body: cardTopUpBody,
          response: { 201: topUpResultSchema, 200: topUpResultSchema },
        },
      },
      async (req, reply) => {
        const result = await topUpWithCard(db, deps.card, req.principal, {
          amount: req.body.amount,
          card: req.body.card,
          idempotencyKey: req.headers['idempotency-key'],
        });
        return reply.code(result.replayed ? 200 : 201).send(result);
      },
    );
    app.post(
      '/api/account/wallet/top-ups/card-payment',
      {
        config: { customer: true, idempotent: true },
        schema: {
          tags: ['account'],
          summary: 'Start a card top-up that the browser confirms (Stripe): the answer carries the client secret',
          description:
            'Needs an Idempotency-Key header: the same key is the same top-up (the same intent and secret). The amount ' +
            'holds its room under the balance cap until the top-up is credited or cancelled. Confirm with Stripe.js ' +
            '(`confirmCardPayment(clientSecret, …)`, 3-D Secure included), then POST …/top-ups/{topUpId}/complete. ' +
            'Never confirmed: the intent is cancelled and the room given back at `confirmUntil`. With the test acquirer: 400.',
          headers: z.object({ 'idempotency-key': z.string().min(8).max(200) }),
          body: z.object({ amount: topUpAmount }),
          response: {
            201: z.object({
              topUpId: z.string(),
              paymentIntentId: z.string(),
              clientSecret: z.string(),
              amount: z.number().int().describe('Yen to be authorised, captured and credited'),
              confirmUntil: z.string().datetime(),
            }),
          },
        },
      },
      async (req, reply) =>
        reply.code(201).send(
          await beginBrowserTopUp(db, deps.card, req.principal, {
            amount: req.body.amount,
            idempotencyKey: req.headers['idempotency-key'],
            confirmSeconds: deps.cardConfirmSeconds,
          }),
        ),
    );
    app.post(
      '/api/account/wallet/top-ups/:id/complete',
      {
        config: { customer: true, idempotent: true },
        schema: {
          tags: ['account'],
          summary: 'Complete a card top-up once Stripe.js confirmed the card: authorise, capture, credit',
          description:
            'Once per top-up, whoever asks: the first answer is 201, a repeat 200 with `replayed` (nothing booked twice). ' +
            'Not confirmed or declined: 402 payment.declined, and the top-up still waits for another card until ' +
            '`confirmUntil`; after it, 409 top_up.expired (cancelled). Stripe not answering: 502, and a retry asks again.',
          params: idParam,
          response: { 201: topUpResultSchema, 200: topUpResultSchema },
        },
      },
      async (req, reply) => {
        const result = await completeBrowserTopUp(db, deps.card, req.principal, req.params.id);
        return reply.code(result.replayed ? 200 : 201).send(result);
      },
    );
  };
