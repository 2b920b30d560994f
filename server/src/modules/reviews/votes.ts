import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { requireCustomer, type Principal } from '../../platform/auth.ts';
import { DomainError } from '../../platform/errors.ts';
import { reviews, reviewVotes, type ReportReason, type VoteKind } from './schema.ts';
import './problems.ts';

const counter = { helpful: reviews.helpfulCount, report: reviews.reportCount } as const;

/** A published review someone else wrote (hidden or unknown: 404; her own: 409 reviews.own_review). */
async function othersReview(db: Db, customerId: string, reviewId: string) {
  const [row] = await db
    .select({ customerId: reviews.customerId, status: reviews.status })
    .from(reviews)
    .where(eq(reviews.id, reviewId));
  if (!row || row.status !== 'published') throw new DomainError('reviews.not_found', { reviewId });
  if (row.customerId === customerId) throw new DomainError('reviews.own_review', { reviewId });
}

/**
 * 参考になった (or 報告): one per member and review. The vote row's primary key decides, and the count moves only
 * with a row inserted in the same transaction, so a double tap or two devices at once count once.
 */
export async function castVote(
  db: Db,
  actor: Principal,
  reviewId: string,
  kind: VoteKind,
  report?: { reason: ReportReason; note?: string | undefined },
): Promise<{ count: number; voted: true }> {
  const { customerId } = requireCustomer(actor);
  await othersReview(db, customerId, reviewId);
  const why = kind === 'report' ? { reason: report?.reason ?? 'other', note: report?.note?.trim() || null } : {};
  return inTransaction(db, async (tx) => {
    const added = await tx
      .insert(reviewVotes)
      .values({ reviewId, customerId, kind, ...why })
      .onConflictDoNothing()
      .returning({ reviewId: reviewVotes.reviewId });
    const [row] = added.length
      ? await tx
          .update(reviews)
          .set({ [kind === 'helpful' ? 'helpfulCount' : 'reportCount']: sql`${counter[kind]} + 1` })
          .where(eq(reviews.id, reviewId))
          .returning({ count: counter[kind] })
      : await tx.select({ count: counter[kind] }).from(reviews).where(eq(reviews.id, reviewId));
    return { count: row?.count ?? 0, voted: true as const };
  });
}

/** She takes her 参考になった back (none to take back changes nothing). */
export async function withdrawVote(
  db: Db,
  actor: Principal,
  reviewId: string,
  kind: VoteKind,
): Promise<{ count: number; voted: false }> {
  const { customerId } = requireCustomer(actor);
  return inTransaction(db, async (tx) => {
    const gone = await tx
      .delete(reviewVotes)
      .where(
        and(eq(reviewVotes.reviewId, reviewId), eq(reviewVotes.customerId, customerId), eq(reviewVotes.kind, kind)),
      )
      .returning({ reviewId: reviewVotes.reviewId });
    const [row] = gone.length
      ? await tx
          .update(reviews)
          .set({ [kind === 'helpful' ? 'helpfulCount' : 'reportCount']: sql`${counter[kind]} - 1` })
          .where(eq(reviews.id, reviewId))
          .returning({ count: counter[kind] })
      : await tx.select({ count: counter[kind] }).from(reviews).where(eq(reviews.id, reviewId));
    if (!row) throw new DomainError('reviews.not_found', { reviewId });
    return { count: row.count, voted: false as const };
  });
}
