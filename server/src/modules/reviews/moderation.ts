import { and, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import type { Principal } from '../../platform/auth.ts';
import { DomainError } from '../../platform/errors.ts';
import { reviews, reviewVotes } from './schema.ts';
import { requireModerator } from './read.ts';
import { recordAudit } from '../../platform/audit.ts';
import './problems.ts';

async function lockReview(tx: Parameters<Parameters<typeof inTransaction>[1]>[0], reviewId: string) {
  const [row] = await tx.select().from(reviews).where(eq(reviews.id, reviewId)).for('update');
  if (!row) throw new DomainError('reviews.not_found', { reviewId });
  return row;
}

/**
 * 非表示 (head office): the review leaves the product page and its figures, with the reason kept (she sees
 * it under her review in マイページ). Hiding a hidden one again updates the reason.
 */
export async function hideReview(db: Db, actor: Principal, reviewId: string, reason: string): Promise<void> {
  const staff = requireModerator(actor);
  await inTransaction(db, async (tx) => {
    const before = await lockReview(tx, reviewId);
    await tx
      .update(reviews)
      .set({ status: 'hidden', hiddenReason: reason.trim(), hiddenAt: new Date(), hiddenBy: staff.staffId })
      .where(eq(reviews.id, reviewId));
    // Who took a member's words off the shop, and why: in the trail with the act.
    await recordAudit(tx, staff, {
      action: 'review.hidden',
      subjectType: 'review',
      subjectId: reviewId,
      detail: {
        productId: before.productId,
        reason: reason.trim(),
        reportCount: before.reportCount,
        ...(before.status === 'hidden'
          ? { changes: { hiddenReason: { from: before.hiddenReason, to: reason.trim() } } }
          : {}),
      },
    });
  });
}

/** 再表示 (head office): back on the page and in the average; its reports are cleared (they were answered). */
export async function unhideReview(db: Db, actor: Principal, reviewId: string): Promise<void> {
  const staff = requireModerator(actor);
  await inTransaction(db, async (tx) => {
    const row = await lockReview(tx, reviewId);
    if (row.status !== 'hidden') throw new DomainError('reviews.not_hidden', { reviewId });
    await recordAudit(tx, staff, {
      action: 'review.unhidden',
      subjectType: 'review',
      subjectId: reviewId,
      detail: { productId: row.productId, hiddenReason: row.hiddenReason, reportCount: row.reportCount },
    });
    await tx.delete(reviewVotes).where(and(eq(reviewVotes.reviewId, reviewId), eq(reviewVotes.kind, 'report')));
    await tx
      .update(reviews)
      .set({ status: 'published', hiddenReason: null, hiddenAt: null, hiddenBy: null, reportCount: 0 })
      .where(eq(reviews.id, reviewId));
  });
}

/** ショップからの返信 (head office): shown under the review; null takes it back. */
export async function replyToReview(db: Db, actor: Principal, reviewId: string, body: string | null): Promise<void> {
  const staff = requireModerator(actor);
  await inTransaction(db, async (tx) => {
    await lockReview(tx, reviewId);
    const text = body?.trim() || null;
    await tx
      .update(reviews)
      .set({ reply: text, repliedAt: text ? new Date() : null, repliedBy: text ? staff.staffId : null })
      .where(eq(reviews.id, reviewId));
  });
}
