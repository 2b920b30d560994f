import { desc, eq, sql } from 'drizzle-orm';
import { query, type Db, type Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import type { Principal } from '../../platform/auth.ts';
import { recordAudit } from '../../platform/audit.ts';
import { DomainError } from '../../platform/errors.ts';
import { memberCards } from '../customers/service.ts';
import { load, view, type CampaignView } from './campaigns.ts';
import { campaignRecipients, campaigns, type RecipientStatus } from './schema.ts';
import { isServiceKind } from './triggers/service-kinds.ts';
import { requireHeadOffice } from './scope.ts';
import './problems.ts';

/**
 * A trigger campaign's life on the HQ screen: switched on and off, and its firings. (campaigns.ts: drafts.)
 * Trigger campaigns are head office's: a store manager neither makes nor switches them.
 */

/**
 * Switch a trigger campaign on or off (配信中 / 停止中). On, it fires for every member its events or sweep
 * find from now on; off, it fires for nobody (firings under way finish first). In the audit trail.
 */
export async function setTriggerState(
  db: Db,
  actor: Principal,
  id: string,
  state: 'active' | 'paused',
  now = new Date(),
): Promise<CampaignView> {
  const staff = requireHeadOffice(actor);
  return inTransaction(db, async (tx) => {
    const c = await load(tx, id, true);
    if (c.kind !== 'trigger' || !c.trigger) throw new DomainError('engagement.campaign_not_trigger', { id });
    if (c.status === state) return view(c);
    // お知らせ（自動） is what she needs to hear about her own order: never switched off.
    if (state === 'paused' && isServiceKind(c.trigger.kind))
      throw new DomainError('engagement.service_trigger', { id });
    if (state === 'paused' && c.status === 'draft') return view(c);
    const [row] = await tx
      .update(campaigns)
      .set({ status: state, activatedAt: c.activatedAt ?? (state === 'active' ? now : null), updatedAt: now })
      .where(eq(campaigns.id, id))
      .returning();
    await recordAudit(tx, staff, {
      action: state === 'active' ? 'campaign.activated' : 'campaign.paused',
      subjectType: 'campaign',
      subjectId: id,
    });
    return view(row!);
  });
}

export interface FiringView {
  at: string;
  memberNumber: string | null;
  firing: number;
  status: RecipientStatus;
  detail: Record<string, string | number | null> | null;
}

/** A trigger campaign's firings, newest first (100), and how many in all per outcome. */
export async function listFirings(db: Executor, actor: Principal, id: string) {
  requireHeadOffice(actor);
  const c = await load(db, id);
  if (c.kind !== 'trigger') throw new DomainError('engagement.campaign_not_trigger', { id });
  const rows = await db
    .select()
    .from(campaignRecipients)
    .where(eq(campaignRecipients.campaignId, id))
    .orderBy(desc(campaignRecipients.createdAt), desc(campaignRecipients.firing))
    .limit(100);
  const cards = await memberCards(
    db,
    rows.map((r) => r.customerId),
  );
  const totals = await query<{ status: RecipientStatus; n: number; members: number }>(
    db,
    sql`SELECT status, count(*)::int AS n, count(DISTINCT customer_id)::int AS members
          FROM campaign_recipients WHERE campaign_id = ${id} GROUP BY status`,
  );
  const count = (s: RecipientStatus) => totals.find((t) => t.status === s)?.n ?? 0;
  return {
    totals: {
      firings: totals.reduce((a, t) => a + t.n, 0),
      queued: count('queued'),
      holdout: count('holdout'),
      capped: count('capped'),
      service: count('service'),
    },
    items: rows.map((r): FiringView => ({
      at: r.createdAt.toISOString(),
      memberNumber: cards.get(r.customerId)?.memberNumber ?? null,
      firing: r.firing,
      status: r.status,
      detail: r.detail ?? null,
    })),
  };
}
