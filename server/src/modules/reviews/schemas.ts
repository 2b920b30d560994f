import { z } from 'zod';
import { fits, reportReasons, reviewStatuses, type ReportReason } from './schema.ts';

/** A review as the product page shows it (validation, types and OpenAPI in one). */
export const reviewView = z.object({
  id: z.string(),
  productId: z.string(),
  rating: z.number().int().min(1).max(5),
  title: z.string(),
  body: z.string(),
  fit: z.enum(fits).nullable().describe('サイズ感: small 小さめ / true ちょうど / large 大きめ'),
  nickname: z.string().nullable().describe('The name she chose to show; null: 匿名'),
  purchaseChannel: z.string().describe('Where she bought it (store, web, app, line): every review is a buyer’s'),
  helpfulCount: z.number().int(),
  createdAt: z.string(),
  edited: z.boolean(),
  reply: z.object({ body: z.string(), at: z.string() }).nullable().describe('ショップからの返信'),
  photos: z.array(z.object({ id: z.string(), url: z.string(), width: z.number().int(), height: z.number().int() })),
});

export const summaryView = z.object({
  count: z.number().int(),
  average: z.number().nullable(),
  distribution: z.object({
    '1': z.number().int(),
    '2': z.number().int(),
    '3': z.number().int(),
    '4': z.number().int(),
    '5': z.number().int(),
  }),
  fit: z.object({ small: z.number().int(), true: z.number().int(), large: z.number().int() }),
});

export const ownReviewView = reviewView.extend({
  productName: z.string(),
  status: z.enum(reviewStatuses),
  hiddenReason: z.string().nullable(),
});

const reasonCounts = z.object(
  Object.fromEntries(reportReasons.map((r) => [r, z.number().int()])) as Record<ReportReason, z.ZodNumber>,
);

export const moderatedReviewView = ownReviewView.extend({
  reportCount: z.number().int(),
  reports: z
    .object({
      reasons: reasonCounts,
      notes: z.array(z.object({ reason: z.enum(reportReasons), note: z.string(), at: z.string() })),
    })
    .nullable()
    .describe('報告 by reason, and the latest notes (null: none)'),
  hiddenAt: z.string().nullable(),
  author: z.object({ customerId: z.string(), name: z.string().nullable(), memberNumber: z.string() }),
});

/** The clienteling card's レビュー. */
export const memberReviewsView = z.object({
  count: z.number().int(),
  average: z.number().nullable(),
  latest: z.array(
    z.object({
      id: z.string(),
      productId: z.string(),
      productName: z.string(),
      rating: z.number().int(),
      title: z.string(),
      fit: z.enum(fits).nullable(),
      hidden: z.boolean(),
      createdAt: z.string(),
    }),
  ),
});

const text = (max: number) => z.string().trim().min(1).max(max);
export const reviewInput = z
  .object({
    rating: z.number().int().min(1).max(5),
    title: text(60),
    body: text(2000),
    fit: z.enum(fits).nullable().optional(),
    nickname: z.string().trim().max(20).nullable().optional(),
  })
  .strict();
