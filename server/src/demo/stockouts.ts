import { seededId } from '../platform/ids.ts';
import type { checkoutRefusals } from '../modules/orders/schema.ts';
import type { stockMovements } from '../modules/inventory/schema.ts';
import type { customerEvents } from '../modules/events/schema.ts';
import type { restockWishes } from '../modules/engagement/schema.ts';
import type { Random } from './prng.ts';

const DAY = 86_400_000;
type Movement = typeof stockMovements.$inferInsert;

/** How many showcase stockouts, and at most how many per store: a few best sellers (in yen) at a few stores. */
const SPELLS = 8;
const PER_STORE = 2;

export interface StockoutPlan {
  movements: Movement[];
  events: Array<typeof customerEvents.$inferInsert>;
  refusals: Array<typeof checkoutRefusals.$inferInsert>;
  wishes: Array<typeof restockWishes.$inferInsert>;
  /** The spells made: variant, store, out and back. */
  spells: Array<{ variantId: string; locationId: string; outAt: Date; backAt: Date }>;
}

const japanDate = (ms: number) => new Date(ms + 9 * 3600_000).toISOString().slice(0, 10);

/**
 * 欠品・機会損失 for the demo: the stores' best sellers of the last three months, each at its store, run dry
 * at one of their sales in the last six weeks — the shelf's earlier receipts were that much smaller — and are
 * received again (補充) days later, before their next sale: the ledger still ends at today's stock and never
 * goes below zero. While they are out, members of that store look at them (product_viewed), a checkout or
 * two is refused and someone asks to be told when they are back (入荷したら知らせる, answered at the receipt).
 */
export function planStockouts(
  ledger: Movement[],
  members: ReadonlyArray<{ id: string; homeLocationId: string | null }>,
  productOf: (variantId: string) => string,
  priceOf: (variantId: string) => number,
  storeIds: ReadonlySet<string>,
  rng: Random,
  now: number,
): StockoutPlan {
  const plan: StockoutPlan = { movements: ledger, events: [], refusals: [], wishes: [], spells: [] };
  const byPair = new Map<string, number[]>(); // indexes into the ledger, in time order
  ledger.forEach((m, i) => {
    if (!storeIds.has(m.locationId)) return;
    const key = `${m.variantId}|${m.locationId}`;
    if (!byPair.has(key)) byPair.set(key, []);
    byPair.get(key)!.push(i);
  });
  const at = (i: number) => (ledger[i]!.createdAt as Date).getTime();
  const soldLately = (rows: number[]) =>
    rows.reduce((n, i) => n + (ledger[i]!.kind === 'sale' && at(i) > now - 90 * DAY ? -ledger[i]!.quantity! : 0), 0);
  const candidates = [...byPair.entries()]
    .map(([key, rows]) => ({ key, rows: rows.sort((a, b) => at(a) - at(b) || a - b), sold: soldLately(rows) }))
    .filter((c) => c.sold >= 2)
    .map((c) => ({ ...c, yen: c.sold * priceOf(c.key.split('|')[0]!) }))
    .sort((a, b) => b.yen - a.yen || a.key.localeCompare(b.key));
  const perStore = new Map<string, number>();
  const added: Movement[] = [];
  const membersAt = new Map<string, string[]>();
  for (const m of members) {
    if (!m.homeLocationId) continue;
    if (!membersAt.has(m.homeLocationId)) membersAt.set(m.homeLocationId, []);
    membersAt.get(m.homeLocationId)!.push(m.id);
  }
  for (const c of candidates) {
    if (plan.spells.length >= SPELLS) break;
    const [variantId, locationId] = c.key.split('|') as [string, string];
    if ((perStore.get(locationId) ?? 0) >= PER_STORE) continue;
    const spell = findSpell(c.rows);
    if (!spell) continue;
    const { s, d, backAt } = spell;
    // The receipts before the sale were d smaller: every balance up to it falls by d, the first receipt too.
    const first = c.rows[0]!;
    ledger[first]!.quantity! -= d;
    for (const i of c.rows) if (at(i) <= at(s)) ledger[i]!.onHandAfter -= d;
    added.push({
      id: seededId('mvs', added.length + 1),
      variantId,
      locationId,
      kind: 'receipt',
      quantity: d,
      onHandAfter: d,
      reason: '補充',
      reference: 'demo',
      createdAt: new Date(backAt),
    });
    perStore.set(locationId, (perStore.get(locationId) ?? 0) + 1);
    const outAt = at(s);
    plan.spells.push({ variantId, locationId, outAt: new Date(outAt), backAt: new Date(backAt) });
    demandWhileOut(plan, { variantId, productId: productOf(variantId), locationId, outAt, backAt }, membersAt, rng);
  }
  plan.movements = [...ledger.filter((m) => m.quantity !== 0), ...added];
  return plan;

  /**
   * A sale in the last six weeks (at least four days ago) after which nothing moves for five days or more,
   * whose balance every earlier row can give up: the spell from it to a receipt before the next movement.
   */
  function findSpell(rows: number[]) {
    for (let k = rows.length - 1; k >= 0; k--) {
      const s = rows[k]!;
      const m = ledger[s]!;
      if (m.kind !== 'sale' || at(s) < now - 42 * DAY || at(s) > now - 4 * DAY) continue;
      const next = rows[k + 1];
      const room = (next === undefined ? now - 0.5 * DAY : at(next)) - at(s);
      if (room < 5 * DAY) continue;
      const d = m.onHandAfter;
      if (d <= 0) continue;
      const before = rows.slice(0, k + 1);
      if (Math.min(...before.map((i) => ledger[i]!.onHandAfter)) < d) continue;
      if (ledger[rows[0]!]!.kind !== 'receipt' || ledger[rows[0]!]!.quantity! < d) continue;
      // Back after 5–12 days (before the next movement).
      const days = Math.min(Math.floor(room / DAY) - 0.5, 5 + (s % 8));
      return { s, d, backAt: at(s) + days * DAY };
    }
    return null;
  }
}

/** Members of the store look at it while it is out; a checkout or two is refused; a wish or two to be told. */
function demandWhileOut(
  plan: StockoutPlan,
  o: { variantId: string; productId: string; locationId: string; outAt: number; backAt: number },
  membersAt: Map<string, string[]>,
  rng: Random,
) {
  const local = membersAt.get(o.locationId) ?? [];
  if (!local.length) return;
  const during = () => o.outAt + rng.next() * (o.backAt - o.outAt);
  const viewers = rng.some(local, Math.min(local.length, rng.int(4, 9)));
  for (const customerId of viewers) {
    plan.events.push({
      id: seededId('evs', plan.events.length + 1),
      type: 'product_viewed',
      occurredAt: new Date(during()),
      channel: rng.chance(0.6) ? 'app' : 'web',
      deviceId: null,
      customerId,
      locationId: null,
      source: 'device',
      payload: { productId: o.productId, variantId: o.variantId },
    });
  }
  for (let i = rng.int(2, 4); i > 0; i--)
    plan.refusals.push({
      refusedOn: japanDate(during()),
      variantId: o.variantId,
      locationId: o.locationId,
      cartId: seededId('crt', 900_000 + plan.refusals.length),
      refusedAt: new Date(during()),
    });
  for (const customerId of rng.some(viewers, rng.int(1, 2)))
    plan.wishes.push({
      id: seededId('rsw', plan.wishes.length + 1),
      customerId,
      variantId: o.variantId,
      locationId: o.locationId,
      createdAt: new Date(during()),
      notifiedAt: new Date(o.backAt + 10 * 60_000),
    });
}
