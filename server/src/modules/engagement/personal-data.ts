import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connection.ts';
import { campaignRecipients, campaigns } from './schema.ts';

/**
 * Her part of a personal data export: each campaign she was in the audience of, and whether she was sent
 * it, held out (deliberately not messaged, to measure) or over the frequency cap. The messages themselves
 * are in notifications' part (her inbox, the e-mails and LINE messages to her addresses).
 */
export async function exportCampaignSends(db: Executor, customerId: string): Promise<Record<string, unknown>> {
  const rows = await db
    .select({
      name: campaigns.name,
      status: campaignRecipients.status,
      detail: campaignRecipients.detail,
      at: campaignRecipients.createdAt,
    })
    .from(campaignRecipients)
    .innerJoin(campaigns, eq(campaigns.id, campaignRecipients.campaignId))
    .where(eq(campaignRecipients.customerId, customerId))
    .orderBy(asc(campaignRecipients.createdAt));
  return {
    campaigns: rows.map((r) => ({
      campaign: r.name,
      status: r.status,
      ...(r.detail ? { detail: r.detail } : {}),
      at: r.at.toISOString(),
    })),
  };
}

/** At her erasure: a trigger firing's circumstances (the store near her, her cart) are nulled; the firing stays for the lift. */
export async function eraseCampaignDetails(tx: Executor, customerId: string): Promise<Record<string, number>> {
  const rows = await tx
    .update(campaignRecipients)
    .set({ detail: null })
    .where(and(eq(campaignRecipients.customerId, customerId), isNotNull(campaignRecipients.detail)))
    .returning({ c: campaignRecipients.campaignId });
  return { campaignDetails: rows.length };
}
