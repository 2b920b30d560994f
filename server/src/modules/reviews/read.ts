import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { query, type Db, type Executor } from '../../platform/db/connection.ts';
import { readOne, readPart, type ReadPart } from '../../platform/db/read-parts.ts';
import { requireCustomer, requireStaff, isChainWide, type Principal } from '../../platform/auth.ts';
import { DomainError } from '../../platform/errors.ts';
import { getProduct, productSummaries } from '../catalog/service.ts';
import { memberCards, personIds } from '../customers/service.ts';
import { purchasesOf } from '../orders/service.ts';
import { reviewPhotos, reviews, reviewVotes, type Fit, type ReviewStatus } from './schema.ts';
import { isWornInSizes } from './reviews.ts';
import { reportsOf } from './reports.ts';

type Row = typeof reviews.$inferSelect;

/** A review as the product page shows it: always a buyer's (購入者), the shop's reply under it. */
export interface ReviewView {
  id: string;
  productId: string;
  rating: number;
  title: string;
  body: string;
  fit: Fit | null;
  nickname: string | null;
  purchaseChannel: string;
  helpfulCount: number;
  createdAt: string;
  edited: boolean;
  reply: { body: string; at: string } | null;
  photos: Array<{ id: string; url: string; width: number; height: number }>;
}

export interface Summary {
  count: number;
  /** Mean rating to one decimal, null with no review. */
  average: number | null;
  /** Reviews per star, 5 → 1 ("5": 12 …). */
  distribution: Record<'1' | '2' | '3' | '4' | '5', number>;
  /** サイズ感 answers (only reviews that gave one). */
  fit: Record<Fit, number>;
}

export const photoUrl = (id: string) => `/api/review-photos/${id}`;

async function photosOf(db: Executor, ids: readonly string[]) {
  const byReview = new Map<string, ReviewView['photos']>();
  if (!ids.length) return byReview;
  const rows = await db
    .select({
      id: reviewPhotos.id,
      reviewId: reviewPhotos.reviewId,
      width: reviewPhotos.width,
      height: reviewPhotos.height,
    })
    .from(reviewPhotos)
    .where(inArray(reviewPhotos.reviewId, [...ids]))
    .orderBy(asc(reviewPhotos.createdAt), asc(reviewPhotos.id));
  for (const r of rows) {
    const list = byReview.get(r.reviewId) ?? [];
    list.push({ id: r.id, url: photoUrl(r.id), width: r.width, height: r.height });
    byReview.set(r.reviewId, list);
  }
  return byReview;
}

async function views(db: Executor, rows: readonly Row[]): Promise<ReviewView[]> {
  const photos = await photosOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    productId: r.productId,
    rating: r.rating,
    title: r.title,
    body: r.body,
    fit: r.fit,
    nickname: r.nickname,
    purchaseChannel: r.purchaseChannel,
    helpfulCount: r.helpfulCount,
    createdAt: r.createdAt.toISOString(),
    // A minute's grace: fixing a typo right after posting is not "edited".
    edited: r.updatedAt.getTime() - r.createdAt.getTime() > 60_000,
    reply: r.reply && r.repliedAt ? { body: r.reply, at: r.repliedAt.toISOString() } : null,
    photos: photos.get(r.id) ?? [],
  }));
}

/** The product's published reviews in figures: hidden ones are not counted. */
export async function reviewSummary(db: Executor, productId: string): Promise<Summary> {
  const [r] = await query<Record<string, number | string | null>>(
    db,
    sql`SELECT count(*)::int AS n, round(avg(rating), 1)::float8 AS average,
               ${sql.raw([1, 2, 3, 4, 5].map((k) => `count(*) FILTER (WHERE rating = ${k})::int AS r${k}`).join(', '))},
               count(*) FILTER (WHERE fit = 'small')::int AS small,
               count(*) FILTER (WHERE fit = 'true')::int AS "true",
               count(*) FILTER (WHERE fit = 'large')::int AS large
          FROM reviews WHERE product_id = ${productId} AND status = 'published'`,
  );
  const n = (k: string) => Number(r?.[k] ?? 0);
  return {
    count: n('n'),
    average: r?.average === null || r?.average === undefined ? null : Number(r.average),
    distribution: { '1': n('r1'), '2': n('r2'), '3': n('r3'), '4': n('r4'), '5': n('r5') },
    fit: { small: n('small'), true: n('true'), large: n('large') },
  };
}

export type ReviewSort = 'helpful' | 'newest';

/** The product page: its figures and a page of its published reviews (参考になった順 or 新着順). Public. */
export async function productReviews(
  db: Db,
  productId: string,
  opts: { sort?: ReviewSort; limit?: number; offset?: number } = {},
) {
  const product = await getProduct(db, productId);
  const limit = opts.limit ?? 10;
  const offset = opts.offset ?? 0;
  const order: SQL[] =
    opts.sort === 'newest'
      ? [desc(reviews.createdAt), desc(reviews.id)]
      : [desc(reviews.helpfulCount), desc(reviews.createdAt), desc(reviews.id)];
  const published = and(eq(reviews.productId, productId), eq(reviews.status, 'published'));
  const [summary, rows] = await Promise.all([
    reviewSummary(db, productId),
    db
      .select()
      .from(reviews)
      .where(published)
      .orderBy(...order)
      .limit(limit + 1)
      .offset(offset),
  ]);
  return {
    product: { id: product.id, name: product.name, fitApplies: isWornInSizes(product) },
    summary,
    items: await views(db, rows.slice(0, limit)),
    nextOffset: rows.length > limit ? offset + limit : null,
  };
}

/**
 * Her side of a product's reviews: whether she may write one (she bought it and has not yet), her own
 * review's id, and the reviews of it she found helpful.
 */
export async function reviewViewer(db: Db, actor: Principal, productId: string) {
  const { customerId } = requireCustomer(actor);
  const [mine] = await db
    .select({ id: reviews.id })
    .from(reviews)
    .where(and(eq(reviews.productId, productId), eq(reviews.customerId, customerId)));
  const purchased = (await purchasesOf(db, await personIds(db, customerId), { productIds: [productId] })).length > 0;
  const helpful = await db
    .select({ reviewId: reviewVotes.reviewId })
    .from(reviewVotes)
    .innerJoin(reviews, eq(reviews.id, reviewVotes.reviewId))
    .where(
      and(eq(reviewVotes.customerId, customerId), eq(reviewVotes.kind, 'helpful'), eq(reviews.productId, productId)),
    );
  return {
    purchased,
    canReview: purchased && !mine,
    reviewId: mine?.id ?? null,
    helpful: helpful.map((h) => h.reviewId),
  };
}

/** The products' names by id (an unknown id is left out). */
async function productNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  return new Map((await productSummaries(db, ids)).map((p) => [p.id, p.name]));
}

/** A review as she sees her own: with its state (非公開 and why) and the product's name. */
async function ownViews(db: Db, rows: readonly Row[]) {
  const names = await productNames(
    db,
    rows.map((r) => r.productId),
  );
  const base = await views(db, rows);
  return base.map((v, i) => ({
    ...v,
    productName: names.get(v.productId) ?? '',
    status: rows[i]!.status,
    hiddenReason: rows[i]!.hiddenReason,
  }));
}

/**
 * マイページ レビュー: the reviews she wrote (newest first) and what she bought but has not reviewed yet
 * (レビューを書く: her purchases of every channel, newest first, at most 50).
 */
export async function myReviews(db: Db, actor: Principal) {
  const { customerId } = requireCustomer(actor);
  const rows = await db
    .select()
    .from(reviews)
    .where(eq(reviews.customerId, customerId))
    .orderBy(desc(reviews.createdAt))
    .limit(500);
  const reviewed = new Set(rows.map((r) => r.productId));
  const bought = (await purchasesOf(db, await personIds(db, customerId), { limit: 500 }))
    .filter((p) => !reviewed.has(p.productId))
    .slice(0, 50);
  const names = await productNames(
    db,
    bought.map((b) => b.productId),
  );
  return {
    items: await ownViews(db, rows),
    toReview: bought.filter((b) => names.has(b.productId)).map((b) => ({ ...b, productName: names.get(b.productId)! })),
  };
}

/** Her own review by id (anyone else's: 404). */
export async function myReview(db: Db, actor: Principal, reviewId: string) {
  const { customerId } = requireCustomer(actor);
  const rows = await db
    .select()
    .from(reviews)
    .where(and(eq(reviews.id, reviewId), eq(reviews.customerId, customerId)));
  if (!rows.length) throw new DomainError('reviews.not_found', { reviewId });
  return (await ownViews(db, rows))[0]!;
}

/** Head office reads and moderates every review; a store role may not (a review is the chain's, not a store's). */
export function requireModerator(actor: Principal) {
  const staff = requireStaff(actor);
  if (!isChainWide(staff))
    throw new DomainError('platform.forbidden', {
      reason: 'レビューの管理は本部の担当です。',
      reasonEn: 'Reviews are moderated by head office.',
    });
  return staff;
}

/**
 * レビュー管理 (head office): reported ones first (`attention`), newest first, or only the reported, most
 * reported first; by state, by product. Each with its
 * author (name, member number), the product's name and its reports.
 */
export async function moderationList(
  db: Db,
  actor: Principal,
  opts: {
    sort?: 'attention' | 'newest' | 'reported';
    status?: ReviewStatus | undefined;
    productId?: string | undefined;
    limit?: number;
    offset?: number;
  },
) {
  requireModerator(actor);
  const limit = opts.limit ?? 50;
  const offset = opts.offset ?? 0;
  const where = and(
    opts.status ? eq(reviews.status, opts.status) : undefined,
    opts.productId ? eq(reviews.productId, opts.productId) : undefined,
    opts.sort === 'reported' ? sql`${reviews.reportCount} > 0` : undefined,
  );
  const rows = await db
    .select()
    .from(reviews)
    .where(where)
    .orderBy(
      // 要対応 first: published reviews with reports, most reported first, then the rest, newest first.
      ...(opts.sort === 'attention'
        ? [desc(sql`${reviews.status} = 'published' AND ${reviews.reportCount} > 0`), desc(reviews.reportCount)]
        : []),
      ...(opts.sort === 'reported' ? [desc(reviews.reportCount)] : []),
      desc(reviews.createdAt),
      desc(reviews.id),
    )
    .limit(limit + 1)
    .offset(offset);
  const page = rows.slice(0, limit);
  const [own, cards, reports] = await Promise.all([
    ownViews(db, page),
    memberCards(
      db,
      page.map((r) => r.customerId),
    ),
    reportsOf(
      db,
      page.filter((r) => r.reportCount > 0).map((r) => r.id),
    ),
  ]);
  return {
    items: own.map((v, i) => {
      const r = page[i]!;
      const card = cards.get(r.customerId);
      return {
        ...v,
        reportCount: r.reportCount,
        reports: reports.get(r.id) ?? null,
        hiddenAt: r.hiddenAt?.toISOString() ?? null,
        author: { customerId: r.customerId, name: card?.name ?? null, memberNumber: card?.memberNumber ?? '' },
      };
    }),
    nextOffset: rows.length > limit ? offset + limit : null,
  };
}

/** The clienteling card's レビュー: how many she wrote, her average, and the latest few (hidden ones marked). */
export interface MemberReviews {
  count: number;
  average: number | null;
  latest: Array<{
    id: string;
    productId: string;
    productName: string;
    rating: number;
    title: string;
    fit: Fit | null;
    hidden: boolean;
    createdAt: string;
  }>;
}

/** Her reviews for the staff card (no check here: the card's own resolve decided the clerk may see her). */
export async function reviewsOfMember(db: Db, customerId: string, latest = 3): Promise<MemberReviews> {
  return readOne(db, reviewsOfMemberPart(db, customerId, latest));
}

/** reviewsOfMember as a part of a larger read (platform/db/read-parts.ts): the count and average ride on her latest. */
export function reviewsOfMemberPart(db: Db, customerId: string, latest = 3): ReadPart<MemberReviews> {
  type Row = Omit<MemberReviews['latest'][number], 'productName' | 'hidden'> & {
    status: ReviewStatus;
    n: number;
    average: number | null;
  };
  return readPart<Row, MemberReviews>(
    sql`SELECT id, product_id AS "productId", rating, title, fit, status, created_at AS "createdAt",
               count(*) OVER () AS n, round(avg(rating) OVER (), 1)::float8 AS average
          FROM reviews WHERE customer_id = ${customerId}
         ORDER BY created_at DESC LIMIT ${latest}`,
    async (rows) => {
      const names = await productNames(
        db,
        rows.map((r) => r.productId),
      );
      return {
        count: Number(rows[0]?.n ?? 0),
        average: rows[0]?.average === null || rows[0]?.average === undefined ? null : Number(rows[0].average),
        latest: rows.map((r) => ({
          id: r.id,
          productId: r.productId,
          productName: names.get(r.productId) ?? '',
          rating: r.rating,
          title: r.title,
          fit: r.fit,
          hidden: r.status === 'hidden',
          createdAt: new Date(r.createdAt).toISOString(),
        })),
      };
    },
  );
}
