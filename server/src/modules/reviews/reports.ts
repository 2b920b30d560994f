import { desc, inArray } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connection.ts';
import { reportReasons, reviewVotes, type ReportReason } from './schema.ts';

/** What head office sees of a review's 報告: how many for each reason, and the latest notes. */
export interface ReportSummary {
  reasons: Record<ReportReason, number>;
  notes: Array<{ reason: ReportReason; note: string; at: string }>;
}

const LATEST_NOTES = 5;

/** The reports of these reviews, by review (none: absent). Notes are the members' words to head office. */
export async function reportsOf(db: Executor, reviewIds: readonly string[]): Promise<Map<string, ReportSummary>> {
  const out = new Map<string, ReportSummary>();
  if (!reviewIds.length) return out;
  const rows = await db
    .select({
      reviewId: reviewVotes.reviewId,
      reason: reviewVotes.reason,
      note: reviewVotes.note,
      createdAt: reviewVotes.createdAt,
      kind: reviewVotes.kind,
    })
    .from(reviewVotes)
    .where(inArray(reviewVotes.reviewId, [...reviewIds]))
    .orderBy(desc(reviewVotes.createdAt));
  for (const r of rows) {
    if (r.kind !== 'report') continue;
    let s = out.get(r.reviewId);
    if (!s) {
      s = { reasons: Object.fromEntries(reportReasons.map((k) => [k, 0])) as Record<ReportReason, number>, notes: [] };
      out.set(r.reviewId, s);
    }
    const reason = r.reason ?? 'other';
    s.reasons[reason]++;
    if (r.note && s.notes.length < LATEST_NOTES) s.notes.push({ reason, note: r.note, at: r.createdAt.toISOString() });
  }
  return out;
}
