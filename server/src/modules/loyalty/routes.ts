import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import type { MemberCodeKey } from '../customers/service.ts';
import { assertCustomerInContext } from '../events/service.ts';
import { requireCustomer, requireStaff } from '../../platform/auth.ts';
import { idParam } from '../../platform/http/schemas.ts';
import {
  campaignBody,
  campaignSchema,
  cashTopUpBody,
  loyaltySummarySchema,
  pageQuery,
  pointsResultSchema,
  pointsTransactionBody,
  topUpResultSchema,
  walletResultSchema,
  walletSummarySchema,
  walletTransactionBody,
} from './schemas.ts';
import { rulesBody, rulesSchema } from './rules.ts';
import {
  createCampaign,
  getRules,
  listCampaigns,
  loyaltySummary,
  putRules,
  recordPointsTransaction,
  recordWalletTransaction,
  topUpWithCash,
  walletSummary,
} from './service.ts';

export const loyaltyRoutes =
  (db: Db, key: MemberCodeKey): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['loyalty'];
    app.post(
      '/api/loyalty/transactions',
      {
        config: { idempotent: true },
        schema: {
          tags,
          summary: 'Earn, redeem, reverse or adjust points (staff; adjust: store manager and up, with a reason)',
          description:
            'earn: `spend` (tax-included yen, points by the rules) or explicit `points`. redeem: `points`. ' +
            'reverse: `reference` of the entry to undo and `reverses` (earn, the default, or redeem); for a partial return ' +
            'give `spend` and a `returnReference`. adjust: signed `points` and a `reason`. (customer, kind, reference) is unique.',
          body: pointsTransactionBody,
          response: { 201: pointsResultSchema },
        },
      },
      async (req, reply) => reply.code(201).send(await recordPointsTransaction(db, key, req.principal, req.body)),
    );

    app.get(
      '/api/customers/:id/loyalty',
      {
        schema: {
          tags,
          summary: 'A customer’s points, tier and history (staff)',
          params: idParam,
          querystring: pageQuery,
          response: { 200: loyaltySummarySchema },
        },
      },
      async (req) => {
        await assertCustomerInContext(db, req.principal, req.params.id);
        return loyaltySummary(db, req.params.id, req.query, 'store');
      },
    );
    app.get(
      '/api/account/loyalty',
      {
        schema: {
          tags: ['account'],
          summary: 'My points, tier and history',
          querystring: pageQuery,
          response: { 200: loyaltySummarySchema },
        },
      },
      async (req) => loyaltySummary(db, requireCustomer(req.principal).customerId, req.query, 'app'),
    );

    app.get(
      '/api/loyalty/rules',
      { schema: { tags, summary: 'The points, tier and wallet rules (staff)', response: { 200: rulesSchema } } },
      async (req) => {
        requireStaff(req.principal);
        return getRules(db);
      },
    );
    app.put(
      '/api/loyalty/rules',
      {
        schema: {
          tags,
          summary: 'Replace the rules; omitted fields take their defaults (owner, hq)',
          body: rulesBody,
          response: { 200: rulesSchema },
        },
      },
      async (req) => putRules(db, req.principal, req.body),
    );

    app.post(
      '/api/loyalty/campaigns',
      {
        schema: {
          tags,
          summary: 'A points campaign: a multiplier by channel, store and time window (owner, hq)',
          body: campaignBody,
          response: { 201: campaignSchema },
        },
      },
      async (req, reply) => reply.code(201).send(await createCampaign(db, req.principal, req.body)),
    );
    app.get(
      '/api/loyalty/campaigns',
      {
        schema: {
          tags,
          summary: 'Points campaigns, latest start first (staff)',
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
          response: { 200: z.object({ items: z.array(campaignSchema) }) },
        },
      },
      async (req) => ({ items: await listCampaigns(db, req.principal, req.query.limit) }),
    );

    app.post(
      '/api/wallet/transactions',
      {
        config: { idempotent: true },
        schema: {
          tags: ['wallet'],
          summary: 'Top up, pay, refund or adjust a wallet (staff; adjust: store manager and up, with a reason)',
          description:
            'amount: yen > 0 (signed for adjust). top_up needs `method`. refund: `reference` of the payment, `refundReference` ' +
            'to tell several partial refunds apart; never more than was paid.',
          body: walletTransactionBody,
          response: { 201: walletResultSchema },
        },
      },
      async (req, reply) => reply.code(201).send(await recordWalletTransaction(db, key, req.principal, req.body)),
    );
    app.post(
      '/api/wallet/top-ups',
      {
        config: { idempotent: true },
        schema: {
          tags: ['wallet'],
          summary: 'チャージ in cash at the till (staff of the store)',
          description:
            'Credits the wallet and records the cash for the till report (「チャージ（現金）」: cash in the drawer, not a sale). ' +
            'Within the rules’ maxTopUp and maxBalance. The same clientTransactionId again answers the first top-up (200, replayed).',
          body: cashTopUpBody,
          response: { 201: topUpResultSchema, 200: topUpResultSchema },
        },
      },
      async (req, reply) => {
        const result = await topUpWithCash(db, req.principal, req.body);
        return reply.code(result.replayed ? 200 : 201).send(result);
      },
    );
    app.get(
      '/api/customers/:id/wallet',
      {
        schema: {
          tags: ['wallet'],
          summary: 'A customer’s wallet balance and history (staff)',
          params: idParam,
          querystring: pageQuery,
          response: { 200: walletSummarySchema },
        },
      },
      async (req) => {
        await assertCustomerInContext(db, req.principal, req.params.id);
        return walletSummary(db, req.params.id, req.query);
      },
    );
    app.get(
      '/api/account/wallet',
      {
        schema: {
          tags: ['account'],
          summary: 'My wallet balance and history',
          querystring: pageQuery,
          response: { 200: walletSummarySchema },
        },
      },
      async (req) => walletSummary(db, requireCustomer(req.principal).customerId, req.query),
    );
  };
