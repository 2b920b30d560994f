import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { query, type Db, type Tx } from '../../../platform/db/connection.ts';
import type { DomainEvent } from '../../../platform/subscribers.ts';
import { getVariants } from '../../catalog/service.ts';
import { lastPositionsSql, membersSql } from '../../customers/service.ts';
import { availabilityAtLocation, BACK_IN_STOCK, type BackInStock } from '../../inventory/service.ts';
import { distanceKm, getLocation, listLocations } from '../../locations/service.ts';
import type { RecipientStatus } from '../schema.ts';
import { activeTriggers, fireTrigger, type FireOptions } from './engine.ts';
import { cooldownDays, defineTrigger } from './kind.ts';

/** How many members one unit may be announced to, unless the campaign says otherwise. */
export const DEFAULT_FACTOR = 2;

const config = z
  .object({
    kind: z.literal('back_in_stock'),
    /** At most (units available × factor) members are told of one restock: some will not come. */
    factor: z.number().int().min(1).max(10).default(DEFAULT_FACTOR),
    cooldownDays,
  })
  .strict();

interface Waiting {
  id: string;
  customer_id: string;
  location_id: string | null;
  created_at: string;
  home_location_id: string | null;
  pos_lat: number | null;
  pos_lng: number | null;
}

/**
 * Her wish answered, inside the firing's transaction: for a message (queued), only while the restock's
 * budget lasts — the members told of this restock (`occasion`, one inventory event), counted under a lock
 * on it, so two handlers of one restock (a redelivery, another app copy) together tell at most
 * `budget` members. A held-out or capped firing answers the wish without spending the budget. The wish is
 * taken with a guarded update: one taken meanwhile refuses the firing.
 */
async function settleWish(
  tx: Tx,
  w: { id: string; variantId: string; campaignId: string; occasion: string; budget: number },
  status: RecipientStatus,
): Promise<'taken' | 'spent' | 'gone'> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`engagement.restock:${w.occasion}`}))`);
  if (status === 'queued') {
    const [told] = await query<{ n: number }>(
      tx,
      sql`SELECT count(*)::int AS n FROM restock_wishes
           WHERE variant_id = ${w.variantId} AND occasion = ${w.occasion} AND outcome = 'queued'`,
    );
    if ((told?.n ?? 0) >= w.budget) return 'spent';
  }
  const taken = await query<{ id: string }>(
    tx,
    sql`UPDATE restock_wishes SET notified_at = now(), campaign_id = ${w.campaignId}, outcome = ${status},
               occasion = ${w.occasion}
         WHERE id = ${w.id} AND notified_at IS NULL RETURNING id`,
  );
  return taken.length ? 'taken' : 'gone';
}

/** Members waiting for the variant at this store first, then those waiting at any store; nearest to it first. */
async function waitingFor(db: Db, variantId: string, store: { id: string; lat: number; lng: number }) {
  const rows = await query<Waiting>(
    db,
    sql`SELECT w.id, w.customer_id, w.location_id, w.created_at::text AS created_at, m.home_location_id,
               pos.lat AS pos_lat, pos.lng AS pos_lng
          FROM restock_wishes w
          JOIN (${membersSql()}) m ON m.customer_id = w.customer_id
          LEFT JOIN (${lastPositionsSql()}) pos ON pos.customer_id = w.customer_id
         WHERE w.variant_id = ${variantId} AND w.notified_at IS NULL
           AND (w.location_id = ${store.id} OR w.location_id IS NULL)`,
  );
  const homes = new Map((await listLocations(db)).map((l) => [l.id, l]));
  const away = (w: Waiting) => {
    const home = w.home_location_id ? homes.get(w.home_location_id) : undefined;
    const from = w.pos_lat !== null && w.pos_lng !== null ? { lat: w.pos_lat, lng: w.pos_lng } : home;
    return from ? distanceKm(from, store) : Number.POSITIVE_INFINITY;
  };
  return rows
    .map((w) => ({ ...w, km: away(w), here: w.location_id === store.id }))
    .sort(
      (a, b) =>
        Number(b.here) - Number(a.here) ||
        a.km - b.km ||
        (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0),
    );
}

/**
 * 再入荷: a store has a variant available again (inventory's `stock.back_in_stock`, after commit) → the
 * members waiting for it there, nearest first, then those waiting at any store; at most (units available
 * now × the campaign's factor) members messaged per restock, each wish answered once. `event.id` names the
 * restock: a redelivered event, or two copies handling it at once, share its budget.
 */
export async function onBackInStock(
  db: Db,
  event: { id: number | string; payload: BackInStock },
  opts: FireOptions = {},
): Promise<number> {
  const triggers = await activeTriggers(db, 'back_in_stock');
  if (!triggers.length) return 0;
  const { variantId, locationId } = event.payload;
  const store = await getLocation(db, locationId);
  if (store.kind !== 'store') return 0;
  // The units as they are now, not as the event saw them: a late event about stock sold since tells nobody.
  const [level] = await availabilityAtLocation(db, locationId, [variantId]);
  const units = level?.available ?? 0;
  if (units <= 0) return 0;
  const waiting = await waitingFor(db, variantId, store);
  if (!waiting.length) return 0;
  const variant = (await getVariants(db, [variantId])).get(variantId)!;
  const product = [variant.productName, ...Object.values(variant.options)].join(' ');
  const occasion = `${BACK_IN_STOCK}:${event.id}`;
  const answered = new Set<string>();
  let fired = 0;
  for (const t of triggers) {
    const budget = units * t.trigger.factor;
    for (const w of waiting) {
      if (answered.has(w.id)) continue;
      let outcome: Awaited<ReturnType<typeof settleWish>> | undefined;
      const status = await fireTrigger(
        db,
        t,
        {
          customerId: w.customer_id,
          // Each wish is its own occasion: her second wish is not "the same" firing (the cooldown still holds).
          occasion: w.id,
          vars: { product, store: store.name, units: String(units) },
          // The message opens the product: what she asked about, whatever link the campaign has.
          message: { link: `/shop/products/${variant.productId}` },
          detail: {
            wishId: w.id,
            variantId,
            locationId,
            store: store.name,
            units,
            distanceKm: Number.isFinite(w.km) ? w.km : null,
          },
          settle: async (tx, s) =>
            (outcome = await settleWish(tx, { id: w.id, variantId, campaignId: t.id, occasion, budget }, s)) ===
            'taken',
        },
        opts,
      );
      if (outcome === 'spent') break;
      if (status) {
        answered.add(w.id);
        fired++;
      }
    }
  }
  return fired;
}

export const backInStock = defineTrigger({
  config,
  label: '再入荷',
  variables: ['product', 'store', 'units'],
  subscriptions: ({ db, publicUrl }) => [
    {
      pattern: BACK_IN_STOCK,
      name: 'engagement.back_in_stock',
      handle: async (e: DomainEvent) => {
        await onBackInStock(db, { id: e.id, payload: e.payload as unknown as BackInStock }, { publicUrl });
      },
    },
  ],
});
