import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { fileAnswer, idParam } from '../../platform/http/schemas.ts';
import { deleteReview, editReview, writeReview } from './reviews.ts';
import { moderationList, myReview, myReviews, productReviews, reviewViewer } from './read.ts';
import { castVote, withdrawVote } from './votes.ts';
import { hideReview, replyToReview, unhideReview } from './moderation.ts';
import { addPhoto, MAX_PHOTO_BYTES, readPhoto, removePhoto } from './photos.ts';
import { reportReasons, reviewStatuses } from './schema.ts';
import { moderatedReviewView, ownReviewView, reviewInput, reviewView, summaryView } from './schemas.ts';

const id = z.string().min(1).max(64);
const page = {
  limit: z.coerce.number().int().min(1).max(50).default(10),
  offset: z.coerce.number().int().min(0).max(5000).default(0),
};
const voteAnswer = z.object({ count: z.number().int(), voted: z.boolean() });

/** レビュー: the product page's (public), hers (マイページ), and head office's moderation. */
/** 報告: why, and — for その他 required — her note to head office. */
const reportBody = z
  .object({
    reason: z.enum(reportReasons),
    note: z.string().trim().max(500).optional(),
  })
  .strict()
  .refine((b) => b.reason !== 'other' || !!b.note, { path: ['note'], message: 'required' });

export const reviewRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/products/:id/reviews',
      {
        schema: {
          tags: ['catalog'],
          summary: 'A product’s reviews: average, count, 5→1 distribution, fit, and a page of published reviews',
          description:
            'Hidden reviews are neither listed nor counted. sort: helpful (参考になった順, default) or newest.',
          security: [],
          params: idParam,
          querystring: z.object({ sort: z.enum(['helpful', 'newest']).default('helpful'), ...page }),
          response: {
            200: z.object({
              product: z.object({ id: z.string(), name: z.string(), fitApplies: z.boolean() }),
              summary: summaryView,
              items: z.array(reviewView),
              nextOffset: z.number().int().nullable(),
            }),
          },
        },
      },
      async (req) => productReviews(db, req.params.id, req.query),
    );
    app.get(
      '/api/review-photos/:id',
      {
        schema: {
          tags: ['catalog'],
          summary:
            'A review photo (JPEG, re-encoded without metadata); a hidden review’s only to its author and head office',
          security: [],
          params: idParam,
          response: { 200: fileAnswer('image/jpeg', 'The photo', 'binary') },
        },
      },
      async (req, reply) => {
        const { bytes, published } = await readPhoto(db, req.principal, req.params.id);
        return (
          reply
            .type('image/jpeg')
            .header('x-content-type-options', 'nosniff')
            // A hidden review's photo is served to her or head office only: no shared cache may keep it (the
            // URL is the same for everyone, and `public` would let a CDN store an authorised answer).
            .header('cache-control', published ? 'public, max-age=86400' : 'private, no-store')
            .send(bytes)
        );
      },
    );

    const tags = ['account'];
    app.get(
      '/api/account/reviews',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Her reviews (newest first, hidden ones with the reason) and what she bought but has not reviewed',
          response: {
            200: z.object({
              items: z.array(ownReviewView),
              toReview: z.array(
                z.object({
                  productId: z.string(),
                  productName: z.string(),
                  orderId: z.string(),
                  channel: z.string(),
                  purchasedAt: z.string(),
                }),
              ),
            }),
          },
        },
      },
      async (req) => myReviews(db, req.principal),
    );
    app.get(
      '/api/account/reviews/:id',
      {
        config: { customer: true },
        schema: { tags, summary: 'One of her reviews', params: idParam, response: { 200: ownReviewView } },
      },
      async (req) => myReview(db, req.principal, req.params.id),
    );
    app.get(
      '/api/account/product-reviews/:productId',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Her side of a product’s reviews: may she write one, her own, the ones she found helpful',
          params: z.object({ productId: id }),
          response: {
            200: z.object({
              purchased: z.boolean(),
              canReview: z.boolean(),
              reviewId: z.string().nullable(),
              helpful: z.array(z.string()),
            }),
          },
        },
      },
      async (req) => reviewViewer(db, req.principal, req.params.productId),
    );
    app.post(
      '/api/account/reviews',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Write a review of a product she bought (one per product)',
          description:
            '403 reviews.not_purchased without a completed purchase of it (any channel, not returned whole); ' +
            '409 reviews.already_reviewed for a second; 422 reviews.fit_without_size for a fit on a product not sold in sizes.',
          body: reviewInput.extend({ productId: id }),
          response: { 201: ownReviewView },
        },
      },
      async (req, reply) => {
        const { productId, ...input } = req.body;
        const { id: reviewId } = await writeReview(db, req.principal, productId, input);
        return reply.code(201).send(await myReview(db, req.principal, reviewId));
      },
    );
    app.patch(
      '/api/account/reviews/:id',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Edit her review',
          params: idParam,
          body: reviewInput.partial(),
          response: { 200: ownReviewView },
        },
      },
      async (req) => {
        await editReview(db, req.principal, req.params.id, req.body);
        return myReview(db, req.principal, req.params.id);
      },
    );
    app.delete(
      '/api/account/reviews/:id',
      {
        config: { customer: true },
        schema: { tags, summary: 'Delete her review', params: idParam, response: { 204: z.null() } },
      },
      async (req, reply) => {
        await deleteReview(db, req.principal, req.params.id);
        return reply.code(204).send(null);
      },
    );
    app.post(
      '/api/account/reviews/:id/photos',
      {
        config: { customer: true },
        bodyLimit: Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 4096,
        schema: {
          tags,
          summary: 'Add a photo to her review (JPEG, PNG or WebP, base64, at most 2 MB; at most 3 per review)',
          description:
            'Re-encoded as JPEG of at most 1200 px with no metadata (no GPS). 422 reviews.bad_photo otherwise.',
          params: idParam,
          body: z
            .object({
              data: z
                .string()
                .min(1)
                .max(Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 4),
            })
            .strict(),
          response: {
            201: z.object({ id: z.string(), url: z.string(), width: z.number().int(), height: z.number().int() }),
          },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await addPhoto(db, req.principal, req.params.id, Buffer.from(req.body.data, 'base64'))),
    );
    app.delete(
      '/api/account/reviews/:id/photos/:photoId',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Remove a photo from her review',
          params: z.object({ id, photoId: id }),
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await removePhoto(db, req.principal, req.params.id, req.params.photoId);
        return reply.code(204).send(null);
      },
    );
    app.put(
      '/api/account/review-votes/:id',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: '参考になった: her vote on another member’s review (once; a repeat changes nothing)',
          params: idParam,
          response: { 200: voteAnswer },
        },
      },
      async (req) => castVote(db, req.principal, req.params.id, 'helpful'),
    );
    app.delete(
      '/api/account/review-votes/:id',
      {
        config: { customer: true },
        schema: { tags, summary: 'Take her 参考になった back', params: idParam, response: { 200: voteAnswer } },
      },
      async (req) => withdrawVote(db, req.principal, req.params.id, 'helpful'),
    );
    app.put(
      '/api/account/review-reports/:id',
      {
        config: { customer: true },
        schema: {
          tags,
          summary:
            '報告: she tells head office why a review should not be there — 不適切な内容, 個人情報, 商品と無関係, その他 with a note (once per member)',
          params: idParam,
          body: reportBody,
          response: { 200: voteAnswer },
        },
      },
      async (req) => castVote(db, req.principal, req.params.id, 'report', req.body),
    );

    const hq = ['reviews'];
    app.get(
      '/api/reviews',
      {
        schema: {
          tags: hq,
          summary:
            'レビュー管理: every review, the reported first (with counts by reason and notes), or newest (head office)',
          querystring: z.object({
            sort: z
              .enum(['attention', 'newest', 'reported'])
              .default('attention')
              .describe('attention: reported (published) ones first, then newest; reported: only those, most first'),
            status: z.enum(reviewStatuses).optional(),
            productId: id.optional(),
            limit: z.coerce.number().int().min(1).max(100).default(50),
            offset: page.offset,
          }),
          response: { 200: z.object({ items: z.array(moderatedReviewView), nextOffset: z.number().int().nullable() }) },
        },
      },
      async (req) => moderationList(db, req.principal, req.query),
    );
    app.post(
      '/api/reviews/:id/hide',
      {
        schema: {
          tags: hq,
          summary: 'Hide a review, with the reason she will see (head office); it leaves the page and the average',
          params: idParam,
          body: z.object({ reason: z.string().trim().min(1).max(200) }).strict(),
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await hideReview(db, req.principal, req.params.id, req.body.reason);
        return reply.code(204).send(null);
      },
    );
    app.post(
      '/api/reviews/:id/unhide',
      {
        schema: {
          tags: hq,
          summary: 'Show a hidden review again (head office); its reports are cleared',
          params: idParam,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await unhideReview(db, req.principal, req.params.id);
        return reply.code(204).send(null);
      },
    );
    app.put(
      '/api/reviews/:id/reply',
      {
        schema: {
          tags: hq,
          summary: 'ショップからの返信 under a review (head office); null removes it',
          params: idParam,
          body: z.object({ body: z.string().trim().min(1).max(1000).nullable() }).strict(),
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await replyToReview(db, req.principal, req.params.id, req.body.body);
        return reply.code(204).send(null);
      },
    );
  };
