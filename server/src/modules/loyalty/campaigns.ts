import { desc, sql } from 'drizzle-orm';
import { query, type Db, type Executor } from '../../platform/db/connection.ts';
import { tableCache, tableChanged } from '../../platform/db/table-cache.ts';
import { newId } from '../../platform/ids.ts';
import { requireRole, requireStaff, type Principal } from '../../platform/auth.ts';
import { assertLocationsExist } from '../locations/service.ts';
import type { EventChannel } from '../events/service.ts';
import type { Tier } from '../customers/service.ts';
import { getRules, pointsForSpend } from './rules.ts';
import { pointCampaigns } from './schema.ts';

export interface NewCampaign {
  name: string;
  multiplier: number;
  channel?: EventChannel | null | undefined;
  locationId?: string | null | undefined;
  startsAt: Date;
  endsAt: Date;
}

export interface CampaignView {
  id: string;
  name: string;
  multiplier: number;
  channel: string | null;
  locationId: string | null;
  startsAt: string;
  endsAt: string;
  createdAt: string;
}

const view = (c: typeof pointCampaigns.$inferSelect): CampaignView => ({
  id: c.id,
  name: c.name,
  multiplier: c.multiplier,
  channel: c.channel,
  locationId: c.locationId,
  startsAt: c.startsAt.toISOString(),
  endsAt: c.endsAt.toISOString(),
  createdAt: c.createdAt.toISOString(),
});

/** A points campaign (ポイント○倍): a multiplier for earns in a window, optionally one channel or store. */
export async function createCampaign(db: Db, actor: Principal, input: NewCampaign): Promise<CampaignView> {
  requireRole(actor, 'owner', 'hq');
  if (input.locationId) await assertLocationsExist(db, [input.locationId]);
  const [row] = await db
    .insert(pointCampaigns)
    .values({
      id: newId('pcp'),
      name: input.name.normalize('NFKC').trim(),
      multiplier: input.multiplier,
      channel: input.channel ?? null,
      locationId: input.locationId ?? null,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
    })
    .returning();
  tableChanged(db, 'point_campaigns'); // this copy's next sale sees it at once (the others hear the trigger)
  return view(row!);
}

/** Campaigns, latest start first (any staff: the till shows today's ポイント2倍). */
export async function listCampaigns(db: Db, actor: Principal, limit: number): Promise<CampaignView[]> {
  requireStaff(actor);
  const rows = await db
    .select()
    .from(pointCampaigns)
    .orderBy(desc(pointCampaigns.startsAt), desc(pointCampaigns.id))
    .limit(limit);
  return rows.map(view);
}

interface RunningCampaign {
  id: string;
  multiplier: number;
  channel: string | null;
  locationId: string | null;
  startsAt: number;
  endsAt: number;
}

/**
 * The campaigns not yet over, kept in memory (table-cache.ts): every cart view and sale asks for the
 * multiplier, and campaigns are set up a few times a month. Which of them runs is decided at each call
 * by this server's clock (a campaign starts and ends on its own, with no write to tell the cache).
 */
const notEnded = tableCache('point_campaigns', async (db) => {
  const rows = await query<{
    id: string;
    multiplier: number;
    channel: string | null;
    locationId: string | null;
    startsAt: Date | string;
    endsAt: Date | string;
  }>(
    db,
    sql`SELECT id, multiplier, channel, location_id AS "locationId", starts_at AS "startsAt", ends_at AS "endsAt"
          FROM point_campaigns WHERE ends_at > now()`,
  );
  return rows.map((r): RunningCampaign => ({
    id: r.id,
    multiplier: Number(r.multiplier),
    channel: r.channel,
    locationId: r.locationId,
    startsAt: new Date(r.startsAt).getTime(),
    endsAt: new Date(r.endsAt).getTime(),
  }));
});

/**
 * The multiplier for an earn happening now on this channel at this store: the highest running
 * campaign that matches. Campaigns do not stack (×2 and ×3 on the same day give ×3), so overlapping
 * promotions cannot multiply into something nobody planned.
 */
export async function campaignMultiplier(
  db: Executor,
  at: { channel: EventChannel; locationId?: string | null | undefined },
): Promise<{ multiplier: number; campaignId: string | null }> {
  const now = Date.now();
  let row: RunningCampaign | undefined;
  for (const c of await notEnded.get(db)) {
    if (c.startsAt > now || c.endsAt <= now) continue;
    if (c.channel !== null && c.channel !== at.channel) continue;
    if (c.locationId !== null && c.locationId !== (at.locationId ?? null)) continue;
    // The highest multiplier wins; between equals, the lowest id (as ORDER BY multiplier DESC, id).
    if (!row || c.multiplier > row.multiplier || (c.multiplier === row.multiplier && c.id < row.id)) row = c;
  }
  return row ? { multiplier: Number(row.multiplier), campaignId: row.id } : { multiplier: 1, campaignId: null };
}

/**
 * The points a spend would earn now on this channel at this store, for a customer of this tier: the rate,
 * the tier's multiplier and the running campaign, as earnPoints will apply them. What a cart or a till
 * quote promises.
 */
export async function pointsPromised(
  db: Executor,
  p: { spend: number; tier: Tier; channel: EventChannel; locationId?: string | null | undefined },
): Promise<number> {
  if (p.spend <= 0) return 0;
  const { multiplier } = await campaignMultiplier(db, p);
  return pointsForSpend(p.spend, await getRules(db), p.tier, multiplier);
}
