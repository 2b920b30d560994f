import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { products } from '../catalog/schema.ts';
import { customers } from '../customers/schema.ts';

export const reviewStatuses = ['published', 'hidden'] as const;
export type ReviewStatus = (typeof reviewStatuses)[number];
/** サイズ感: 小さめ / ちょうど / 大きめ (only for a product sold in sizes). */
export const fits = ['small', 'true', 'large'] as const;
export type Fit = (typeof fits)[number];

/**
 * レビュー: one per member and product, by a member who bought it (any channel; the channel of her latest
 * purchase is kept for the 「店舗で購入」 line). Hidden by head office (with a reason) it leaves the product
 * page and its average but stays hers to see. The shop's reply is head office's, shown under it.
 */
export const reviews = pgTable(
  'reviews',
  {
    id: text().primaryKey(),
    productId: text()
      .notNull()
      .references(() => products.id),
    customerId: text()
      .notNull()
      .references(() => customers.id),
    rating: smallint().notNull(),
    title: text().notNull(),
    body: text().notNull(),
    fit: text({ enum: fits }),
    nickname: text(),
    purchaseChannel: text().notNull(),
    status: text({ enum: reviewStatuses }).notNull().default('published'),
    hiddenReason: text(),
    hiddenAt: timestamp({ withTimezone: true }),
    hiddenBy: text(),
    reply: text(),
    repliedAt: timestamp({ withTimezone: true }),
    repliedBy: text(),
    helpfulCount: integer().notNull().default(0),
    reportCount: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex().on(t.productId, t.customerId),
    index().on(t.customerId),
    index().on(t.createdAt),
    check('reviews_rating_range', sql`${t.rating} BETWEEN 1 AND 5`),
    check('reviews_counts_not_negative', sql`${t.helpfulCount} >= 0 AND ${t.reportCount} >= 0`),
  ],
);

export const voteKinds = ['helpful', 'report'] as const;
export type VoteKind = (typeof voteKinds)[number];
/** Why she reports a review: 不適切な内容, 個人情報, 商品と無関係, その他 (with her note). */
export const reportReasons = ['inappropriate', 'personal_info', 'unrelated', 'other'] as const;
export type ReportReason = (typeof reportReasons)[number];

/** 参考になった and 報告: one of each per member and review (the primary key makes a repeat change nothing). */
export const reviewVotes = pgTable(
  'review_votes',
  {
    reviewId: text()
      .notNull()
      .references(() => reviews.id, { onDelete: 'cascade' }),
    customerId: text()
      .notNull()
      .references(() => customers.id),
    kind: text({ enum: voteKinds }).notNull(),
    /** 報告 only: why, and her note to head office (≤ 500). */
    reason: text({ enum: reportReasons }),
    note: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.reviewId, t.customerId, t.kind] }), index().on(t.customerId)],
);

/**
 * A review's photos (at most 3), re-encoded on upload (sharp: at most 1200 px, metadata such as GPS stripped)
 * and kept in the database as bytes: small, few, and backed up with the review they belong to.
 */
export const reviewPhotos = pgTable(
  'review_photos',
  {
    id: text().primaryKey(),
    reviewId: text()
      .notNull()
      .references(() => reviews.id, { onDelete: 'cascade' }),
    contentType: text().notNull(),
    data: text().notNull(),
    width: integer().notNull(),
    height: integer().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.reviewId)],
);
