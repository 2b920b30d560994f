import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../../platform/auth.ts';
import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { idParam } from '../../platform/http/schemas.ts';
import './problems.ts';
import { customerValueOf, latestValueModel, refitCustomerValue } from './customer-value.ts';

const decile = z.object({
  decile: z.number().int().describe('1 = the tenth predicted to spend most'),
  members: z.number().int(),
  predictedPurchases: z.number(),
  actualPurchases: z.number(),
  predictedValue: z.number().int().describe('yen per member'),
  actualValue: z.number().int().describe('yen per member'),
});
const model = z.object({
  id: z.string(),
  fittedAt: z.string(),
  asOf: z.string(),
  members: z.number().int(),
  repeaters: z.number().int(),
  params: z.object({
    bgNbd: z.object({ r: z.number(), alpha: z.number(), a: z.number(), b: z.number() }),
    gammaGamma: z.object({ p: z.number(), q: z.number(), gamma: z.number() }),
  }),
  accuracy: z
    .object({
      holdoutWeeks: z.number().int(),
      from: z.string(),
      to: z.string(),
      members: z.number().int(),
      predictedPurchases: z.number(),
      actualPurchases: z.number(),
      predictedValue: z.number(),
      actualValue: z.number(),
      valueError: z.number().nullable().describe('predicted ÷ actual − 1 over the held-out weeks'),
      deciles: z.array(decile),
    })
    .nullable()
    .describe('null when the history before the held-out weeks had no repeat purchase'),
});
const customerValue = z.object({
  customerId: z.string(),
  purchases12m: z.number().describe('expected purchase days in the next 52 weeks'),
  value12m: z.number().int().describe('expected spend in the next 52 weeks, yen'),
  alive: z.number().describe('probability she is still a customer'),
  spendToDate: z.number().int(),
  purchaseDays: z.number().int(),
  computedAt: z.string(),
});

/** 予測LTV: the model in use with its held-out accuracy, a refit, and one member's prediction (head office). */
export const customerValueRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['analytics'];
    app.get(
      '/api/analytics/customer-value',
      {
        schema: {
          tags,
          summary: 'The customer-value model in use (予測LTV): parameters and held-out accuracy by decile',
          response: { 200: z.object({ model: model.nullable() }) },
        },
      },
      async (req) => {
        requireRole(req.principal, 'owner', 'hq');
        return { model: await latestValueModel(db) };
      },
    );
    app.post(
      '/api/analytics/customer-value/refit',
      {
        schema: {
          tags,
          summary: 'Fit the model again now (the daily job does it on its own)',
          description: '409 while there is no repeat purchase to learn from.',
          response: { 200: model },
        },
      },
      async (req) => {
        requireRole(req.principal, 'owner', 'hq');
        const fitted = await refitCustomerValue(db);
        if (!fitted) throw new DomainError('analytics.not_enough_history');
        return fitted;
      },
    );
    app.get(
      '/api/analytics/customer-value/customers/:id',
      {
        schema: {
          tags,
          summary: 'Her predicted next 12 months (予測LTV); null before her first purchase or the first fit',
          params: idParam,
          response: { 200: z.object({ value: customerValue.nullable() }) },
        },
      },
      async (req) => {
        requireRole(req.principal, 'owner', 'hq');
        return { value: await customerValueOf(db, req.params.id) };
      },
    );
  };
