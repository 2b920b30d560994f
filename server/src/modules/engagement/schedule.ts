import { eq, sql } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import type { Principal } from '../../platform/auth.ts';
import { recordAudit } from '../../platform/audit.ts';
import { DomainError } from '../../platform/errors.ts';
import { campaigns } from './schema.ts';
import { invalid, loadVisible, sendCampaign, view, type CampaignView } from './campaigns.ts';
import { requireMarketer } from './scope.ts';
import { actingStaff } from '../staff/service.ts';
import './problems.ts';

/** A sending may be set this far ahead at most. */
export const SCHEDULE_MAX_DAYS = 90;

/**
 * 予約配信: a segment campaign's draft set to be sent at `at` (a minute from now at least, 90 days at most), or
 * the setting removed (`at` null). The sending itself is `sendCampaign` at that time, by the job
 * `engagement.scheduled`, on behalf of whoever set it: the segment's members as they are then, held to the
 * campaign's store scope. A store manager schedules her stores' campaigns only. Audited.
 */
export async function scheduleCampaign(
  db: Db,
  actor: Principal,
  id: string,
  at: Date | null,
  opts: { now?: Date } = {},
): Promise<CampaignView> {
  const m = requireMarketer(actor);
  const staff = m.staff;
  const now = opts.now ?? new Date();
  if (at && at.getTime() < now.getTime() + 60_000) throw invalid('at', '1分以上先の日時を指定してください');
  if (at && at.getTime() > now.getTime() + SCHEDULE_MAX_DAYS * 86400_000)
    throw invalid('at', `${SCHEDULE_MAX_DAYS}日以内の日時を指定してください`);
  return inTransaction(db, async (tx) => {
    const c = await loadVisible(tx, m, id, true);
    if (c.kind !== 'segment') throw invalid('at', 'トリガー配信は予約できません（配信を開始してください）');
    if (c.status !== 'draft') throw new DomainError('engagement.campaign_sent', { id });
    const [row] = await tx
      .update(campaigns)
      .set({ scheduledAt: at, scheduledBy: at ? staff.staffId : null, scheduleError: null, updatedAt: now })
      .where(eq(campaigns.id, id))
      .returning();
    await recordAudit(tx, staff, {
      action: at ? 'campaign.scheduled' : 'campaign.unscheduled',
      subjectType: 'campaign',
      subjectId: id,
      detail: at ? { at: at.toISOString() } : {},
    });
    return view(row!);
  });
}

/**
 * The job `engagement.scheduled`: every campaign whose time has come is sent, as the person who scheduled it
 * with her role and stores as they are now (a store manager since moved to another store, demoted or
 * deactivated does not send it). Several app copies may run it at once: `sendCampaign` locks the campaign and
 * sends a draft only, so the other copy's attempt finds it sent and passes. A sending that is refused (her
 * rights gone, the segment gone, the offer ended) puts the campaign back to a draft with the reason, for head
 * office to see; nothing is sent.
 */
export async function sendDueCampaigns(db: Db, opts: { publicUrl?: string | undefined } = {}): Promise<number> {
  const due = await query<{ id: string; scheduled_by: string }>(
    db,
    sql`SELECT id, scheduled_by FROM campaigns
         WHERE kind = 'segment' AND status = 'draft' AND scheduled_at <= now()
         ORDER BY scheduled_at LIMIT 20`,
  );
  let sent = 0;
  for (const c of due) {
    try {
      // As she may act now: demoted, moved off the store or deactivated since scheduling, it is not sent.
      const onBehalf = await actingStaff(db, c.scheduled_by);
      if (!onBehalf)
        throw new DomainError('platform.forbidden', {
          reason: '予約したスタッフのアカウントが無効です。',
          reasonEn: 'The staff member who scheduled it is no longer active.',
        });
      await sendCampaign(db, onBehalf, c.id, opts);
      sent++;
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.code === 'engagement.campaign_sent') continue; // another copy sent it
      await db
        .update(campaigns)
        .set({ scheduledAt: null, scheduleError: err.code, updatedAt: new Date() })
        .where(sql`${campaigns.id} = ${c.id} AND ${campaigns.status} = 'draft'`);
    }
  }
  return sent;
}
