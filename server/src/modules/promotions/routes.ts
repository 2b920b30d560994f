import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { tiers } from '../customers/service.ts';
import { salesChannels } from '../../platform/channels.ts';
import {
  couponRedemptionsOf,
  createPromotion,
  createPublicCoupon,
  generateBatch,
  listCoupons,
  listPromotions,
  updatePromotion,
} from './admin.ts';
import { promotionKinds, targetTypes } from './schema.ts';

const anyJson = z.any();
const ids = z.array(z.string().min(1).max(64)).max(1000);
const yen = z.number().int().min(0).max(100_000_000);
const params = z.object({
  percent: z.number().int().min(1).max(100).optional(),
  amount: yen.optional(),
  buy: z.number().int().min(1).max(99).optional(),
  get: z.number().int().min(1).max(99).optional(),
  quantity: z.number().int().min(2).max(99).optional(),
  price: yen.optional(),
});
const conditions = z.object({
  channels: z.array(z.enum(salesChannels)).max(10).optional(),
  locationIds: ids.optional(),
  tiers: z.array(z.enum(tiers)).max(10).optional(),
  firstPurchaseOnly: z.boolean().optional(),
  minSpend: yen.optional(),
});
const when = z.string().datetime({ offset: true }).nullable().optional();
const promotionFields = {
  name: z.string().min(1).max(100),
  kind: z.enum(promotionKinds),
  params,
  target: z.object({ type: z.enum(targetTypes), ids: ids.default([]) }).optional(),
  conditions: conditions.optional(),
  startsAt: when,
  endsAt: when,
  priority: z.number().int().min(-1000).max(1000).optional(),
  stackable: z.boolean().optional(),
  active: z.boolean().optional(),
  requiresCoupon: z.boolean().optional(),
};
const couponFields = {
  promotionId: z.string().min(1).max(64),
  perCustomerLimit: z.number().int().min(1).max(1000).nullable().optional(),
  startsAt: when,
  endsAt: when,
  issuedChannel: z.string().min(1).max(40).nullable().optional(),
  campaign: z.string().min(1).max(100).nullable().optional(),
};

export const promotionRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['promotions'];
    const hq = 'Owner and head office only.';
    app.post(
      '/api/promotions',
      {
        schema: {
          tags,
          summary: 'Create a promotion',
          description: hq,
          body: z.object(promotionFields),
          response: { 201: anyJson },
        },
      },
      async (req, reply) => reply.code(201).send(await createPromotion(db, req.principal, req.body)),
    );
    app.get(
      '/api/promotions',
      {
        schema: {
          tags,
          summary: 'All promotions, highest priority first',
          description: hq,
          querystring: z.object({ active: z.enum(['true', 'false']).optional() }),
          response: { 200: anyJson },
        },
      },
      async (req) => ({
        items: await listPromotions(db, req.principal, {
          active: req.query.active === undefined ? undefined : req.query.active === 'true',
        }),
      }),
    );
    app.patch(
      '/api/promotions/:id',
      {
        schema: {
          tags,
          summary: 'Change a promotion (or end it: active false)',
          description: hq,
          params: idParam,
          body: z.object(promotionFields).partial(),
          response: { 200: anyJson },
        },
      },
      async (req) => updatePromotion(db, req.principal, req.params.id, req.body),
    );
    app.post(
      '/api/coupons',
      {
        schema: {
          tags,
          summary: 'Create a public coupon code for a promotion',
          description: hq,
          body: z.object({ ...couponFields, code: z.string().min(4).max(40) }),
          response: { 201: anyJson },
        },
      },
      async (req, reply) => reply.code(201).send(await createPublicCoupon(db, req.principal, req.body)),
    );
    app.get(
      '/api/coupons',
      {
        schema: {
          tags,
          summary: 'Coupons (of one promotion)',
          description: hq,
          querystring: z.object({ promotionId: z.string().max(64).optional() }),
          response: { 200: anyJson },
        },
      },
      async (req) => ({
        items: await listCoupons(db, req.principal, req.query.promotionId),
      }),
    );
    app.post(
      '/api/coupons/batches',
      {
        schema: {
          tags,
          summary:
            'Generate single-use codes (up to 10,000): for an existing single-use coupon, or a new one for a promotion',
          description: `${hq} Codes use an unambiguous alphabet and 12 random symbols after the optional prefix.`,
          body: z.object({
            couponId: z.string().max(64).optional(),
            coupon: z.object(couponFields).optional(),
            count: z.number().int().min(1).max(10_000),
            prefix: z.string().max(8).optional(),
          }),
          response: { 201: anyJson },
        },
      },
      async (req, reply) => reply.code(201).send(await generateBatch(db, req.principal, req.body)),
    );
    app.get(
      '/api/coupons/:id/redemptions',
      {
        schema: {
          tags,
          summary: 'Where a coupon was issued and where it was used (attribution)',
          description: hq,
          params: idParam,
          response: { 200: anyJson },
        },
      },
      async (req) => couponRedemptionsOf(db, req.principal, req.params.id),
    );
  };
