import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { requireCustomer } from '../../platform/auth.ts';
import { issuedCouponsOf } from './issued.ts';
import {
  couponRedemptionsOf,
  createPromotion,
  createPublicCoupon,
  generateBatch,
  listCoupons,
  listPromotions,
  updatePromotion,
} from './admin.ts';
import {
  couponBatchBody,
  couponBatchView,
  couponList,
  couponListQuery,
  couponRedemptionsView,
  couponView,
  issuedCouponList,
  promotionBody,
  promotionList,
  promotionListQuery,
  promotionView,
  publicCouponBody,
} from './schemas.ts';

export const promotionRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['promotions'];
    const hq = 'Owner and head office only.';
    app.get(
      '/api/account/coupons',
      {
        schema: {
          tags: ['account'],
          summary: 'My coupons: the codes issued to my account that I can still use, soonest to expire first',
          response: { 200: issuedCouponList },
        },
      },
      async (req, reply) => {
        reply.header('cache-control', 'no-store');
        return { items: await issuedCouponsOf(db, requireCustomer(req.principal).customerId) };
      },
    );
    app.post(
      '/api/promotions',
      {
        schema: {
          tags,
          summary: 'Create a promotion',
          description: hq,
          body: promotionBody,
          response: { 201: promotionView },
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
          querystring: promotionListQuery,
          response: { 200: promotionList },
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
          body: promotionBody.partial(),
          response: { 200: promotionView },
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
          body: publicCouponBody,
          response: { 201: couponView },
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
          querystring: couponListQuery,
          response: { 200: couponList },
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
          body: couponBatchBody,
          response: { 201: couponBatchView },
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
          response: { 200: couponRedemptionsView },
        },
      },
      async (req) => couponRedemptionsOf(db, req.principal, req.params.id),
    );
  };
