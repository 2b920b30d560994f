import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import type { OrderDeps } from './deps.ts';
import { paymentBody } from './schemas.ts';
import { topUpResultSchema } from '../loyalty/service.ts';
import { topUpOptions, topUpWithCard } from './wallet-top-ups.ts';

/** The card as checkout takes it: whatever the acquirer's browser side sends (a test number, a token). */
const cardInput = paymentBody.options[0].shape.card;

export const cardTopUpBody = z.object({
  /** Yen put on the wallet; at most the rules' maxTopUp (default ¥50,000). */
  amount: z.number().int().min(1).max(10_000_000),
  card: cardInput,
});

export const topUpOptionsView = z.object({
  card: z.boolean().describe('A card acquirer is configured: the app offers card top-up'),
  testCards: z.boolean().describe('The acquirer is the built-in test one (the demo)'),
  maxTopUp: z.number(),
  maxBalance: z.number(),
  balance: z.number(),
});

/** チャージ in the app by card (the member's own wallet). */
export const walletTopUpRoutes =
  (db: Db, deps: OrderDeps): FastifyPluginAsyncZod =>
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
            'card is 402 payment.declined and nothing is credited; no acquirer configured is 409 payment.card_unavailable.',
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
  };
