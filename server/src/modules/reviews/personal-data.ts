import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import { personIds, type MergeStep } from '../customers/service.ts';
import { reviewPhotos, reviews, reviewVotes } from './schema.ts';

const inList = (ids: readonly string[]) =>
  sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );

/** Her reviews and votes for a personal data export (開示請求): what she wrote, how it stands, her votes. */
export async function exportReviews(db: Executor, customerId: string): Promise<Record<string, unknown>> {
  const ids = await personIds(db, customerId);
  const rows = await db.select().from(reviews).where(inArray(reviews.customerId, ids)).orderBy(asc(reviews.createdAt));
  const photos = rows.length
    ? await db
        .select({ id: reviewPhotos.id, reviewId: reviewPhotos.reviewId })
        .from(reviewPhotos)
        .where(
          inArray(
            reviewPhotos.reviewId,
            rows.map((r) => r.id),
          ),
        )
    : [];
  const votes = await db.select().from(reviewVotes).where(inArray(reviewVotes.customerId, ids));
  return {
    reviews: rows.map((r) => ({
      id: r.id,
      productId: r.productId,
      rating: r.rating,
      title: r.title,
      body: r.body,
      fit: r.fit,
      nickname: r.nickname,
      status: r.status,
      hiddenReason: r.hiddenReason,
      reply: r.reply,
      helpfulCount: r.helpfulCount,
      photos: photos.filter((p) => p.reviewId === r.id).map((p) => p.id),
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    })),
    reviewVotes: votes.map((v) => ({
      reviewId: v.reviewId,
      kind: v.kind,
      ...(v.kind === 'report' ? { reason: v.reason, note: v.note } : {}),
      createdAt: v.createdAt.toISOString(),
    })),
  };
}

/**
 * At her erasure her reviews are deleted (her words, her photos; the votes and the shop's reply go with them)
 * and so are her votes on others' reviews, whose counts drop by them: nothing of hers is left to be read.
 */
export async function eraseReviews(tx: Executor, customerId: string): Promise<Record<string, number>> {
  const ids = await personIds(tx, customerId);
  const gone = await tx.delete(reviews).where(inArray(reviews.customerId, ids)).returning({ id: reviews.id });
  const votes = await query<{ n: number }>(
    tx,
    sql`WITH gone AS (DELETE FROM review_votes WHERE customer_id IN (${inList(ids)}) RETURNING review_id, kind),
             per AS (SELECT review_id, count(*) FILTER (WHERE kind = 'helpful')::int AS helpful,
                            count(*) FILTER (WHERE kind = 'report')::int AS report FROM gone GROUP BY review_id),
             fixed AS (UPDATE reviews r SET helpful_count = r.helpful_count - per.helpful,
                                            report_count = r.report_count - per.report
                         FROM per WHERE r.id = per.review_id RETURNING r.id)
        SELECT (SELECT count(*) FROM gone)::int AS n`,
  );
  return { reviews: gone.length, reviewVotes: Number(votes[0]?.n ?? 0) };
}

/**
 * A merge brings the merged record's reviews to the survivor — except one of a product she reviewed
 * herself, which stays with the merged record (one review per product) — and its votes, except on a review
 * she voted on too or wrote. Undo moves exactly those back.
 */
export const reviewsMergeStep: MergeStep = {
  async move(tx, from, to) {
    const moved = await query<{ id: string }>(
      tx,
      sql`UPDATE reviews f SET customer_id = ${to}
           WHERE f.customer_id = ${from}
             AND NOT EXISTS (SELECT 1 FROM reviews s WHERE s.customer_id = ${to} AND s.product_id = f.product_id)
          RETURNING f.id`,
    );
    const votes = await query<{ review_id: string; kind: string }>(
      tx,
      sql`UPDATE review_votes v SET customer_id = ${to}
           WHERE v.customer_id = ${from}
             AND NOT EXISTS (SELECT 1 FROM review_votes s
                              WHERE s.customer_id = ${to} AND s.review_id = v.review_id AND s.kind = v.kind)
             AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.id = v.review_id AND r.customer_id = ${to})
          RETURNING v.review_id, v.kind`,
    );
    return { reviews: moved.map((m) => m.id), reviewVotes: votes.map((v) => `${v.review_id}|${v.kind}`) };
  },
  async moveBack(tx, moved, survivorId, restoredId) {
    const ids = Array.isArray(moved.reviews) ? (moved.reviews as string[]) : [];
    if (ids.length)
      await tx
        .update(reviews)
        .set({ customerId: restoredId })
        .where(and(eq(reviews.customerId, survivorId), inArray(reviews.id, ids)));
    const votes = Array.isArray(moved.reviewVotes) ? (moved.reviewVotes as string[]) : [];
    for (const key of votes) {
      const [reviewId, kind] = key.split('|') as [string, 'helpful' | 'report'];
      await tx
        .update(reviewVotes)
        .set({ customerId: restoredId })
        .where(
          and(eq(reviewVotes.customerId, survivorId), eq(reviewVotes.reviewId, reviewId), eq(reviewVotes.kind, kind)),
        );
    }
  },
};
