import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { query, type Db } from '../../../platform/db/connection.ts';
import { listLocations, type LocationWithDistance } from '../../locations/service.ts';
import { availabilityOfVariants } from '../../inventory/service.ts';
import { lastPositionsSql, membersSql } from '../../customers/service.ts';
import { idleCartsSql } from '../../orders/service.ts';
import { activeTriggers, fireTrigger, type FireOptions } from './engine.ts';
import { cooldownDays, defineTrigger } from './kind.ts';

/** A cart untouched for longer than this is left alone: the reminder is for a cart she may still want. */
const FORGOTTEN_DAYS = 14;
/** Carts looked at per trigger per sweep (the next sweep takes the rest). */
const BATCH = 500;

const config = z
  .object({
    kind: z.literal('cart_abandoned'),
    /** Untouched for this many hours (default on the HQ screen: 24). */
    idleHours: z.number().int().min(1).max(168),
    cooldownDays,
    /** The message when no store has every line now: the online reminder. */
    onlineTitle: z.string().trim().min(1).max(100),
    onlineBody: z.string().trim().min(1).max(1000),
  })
  .strict();

interface IdleCart {
  cart_id: string;
  customer_id: string;
  occasion: string;
  lines: Array<{ variantId: string; quantity: number }>;
  home_location_id: string | null;
  pos_lat: number | null;
  pos_lng: number | null;
}

/** The nearest store to `from` with pickup that has every line available now, or null. */
async function storeWithEverything(
  db: Db,
  from: { lat: number; lng: number },
  lines: IdleCart['lines'],
): Promise<LocationWithDistance | null> {
  const levels = await availabilityOfVariants(
    db,
    lines.map((l) => l.variantId),
  );
  const stores = (await listLocations(db, { near: from, kind: 'store' })).filter((l) => l.services.pickup);
  return (
    stores.find((s) =>
      lines.every(
        (l) => (levels.find((v) => v.locationId === s.id && v.variantId === l.variantId)?.available ?? 0) >= l.quantity,
      ),
    ) ?? null
  );
}

/**
 * カート放置 → 店舗: members' carts with lines untouched for `idleHours` (orders' `idleCartsSql`). Each names
 * the nearest store — to her last position if she shares it, else her home store — that has every line
 * available now, with a link that switches the cart to pickup there (/shop/cart?pickup=loc_…); when no store
 * has it all (or nothing tells where she is), the online reminder. Once per cart touch (the touch is the
 * firing's occasion: touching the cart again re-arms it), and never within the cooldown.
 */
export async function sweepIdleCarts(db: Db, opts: FireOptions = {}): Promise<number> {
  const now = opts.now ?? new Date();
  let fired = 0;
  for (const t of await activeTriggers(db, 'cart_abandoned')) {
    const before = new Date(now.getTime() - t.trigger.idleHours * 3600_000);
    const since = new Date(before.getTime() - FORGOTTEN_DAYS * 86400_000);
    const carts = await query<IdleCart>(
      db,
      sql`SELECT c.cart_id, c.customer_id, c.lines, m.home_location_id,
                 (extract(epoch FROM c.touched_at) * 1000000)::bigint::text AS occasion,
                 pos.lat AS pos_lat, pos.lng AS pos_lng
            FROM (${idleCartsSql(before)}) c
            JOIN (${membersSql()}) m ON m.customer_id = c.customer_id
            LEFT JOIN (${lastPositionsSql()}) pos ON pos.customer_id = c.customer_id
           WHERE c.touched_at >= ${since}
             AND NOT EXISTS (SELECT 1 FROM trigger_states s
                              WHERE s.campaign_id = ${t.id} AND s.customer_id = c.customer_id
                                AND (s.occasion = (extract(epoch FROM c.touched_at) * 1000000)::bigint::text
                                     OR s.last_fired_at > ${now}::timestamptz - make_interval(days => ${t.trigger.cooldownDays})))
           ORDER BY c.touched_at LIMIT ${BATCH}`,
    );
    const homes = carts.length ? new Map((await listLocations(db)).map((l) => [l.id, l])) : new Map();
    for (const cart of carts) {
      const home = cart.home_location_id ? homes.get(cart.home_location_id) : undefined;
      const from =
        cart.pos_lat !== null && cart.pos_lng !== null
          ? { lat: cart.pos_lat, lng: cart.pos_lng }
          : home
            ? { lat: home.lat, lng: home.lng }
            : null;
      const store = from ? await storeWithEverything(db, from, cart.lines) : null;
      const status = await fireTrigger(
        db,
        t,
        store
          ? {
              customerId: cart.customer_id,
              occasion: cart.occasion,
              vars: { store: store.name },
              message: { link: `/shop/cart?pickup=${store.id}` },
              detail: { cartId: cart.cart_id, locationId: store.id, store: store.name },
            }
          : {
              customerId: cart.customer_id,
              occasion: cart.occasion,
              message: { title: t.trigger.onlineTitle, body: t.trigger.onlineBody, link: '/shop/cart' },
              detail: { cartId: cart.cart_id, locationId: null, store: null },
            },
        { ...opts, now },
      );
      if (status) fired++;
    }
  }
  return fired;
}

export const cartAbandoned = defineTrigger({
  config,
  label: 'カート放置',
  variables: ['store'],
  jobs: ({ db, publicUrl }) => [
    { name: 'engagement.cart_abandoned', everyMs: 600_000, run: () => sweepIdleCarts(db, { publicUrl }) },
  ],
});
