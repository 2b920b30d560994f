import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { sqlState } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { requireCustomer, type Principal } from '../../platform/auth.ts';
import { categoryChains, getVariants, listCategories, type VariantInfo } from '../catalog/service.ts';
import { getLocation } from '../locations/service.ts';
import { availabilityAtLocation } from '../inventory/service.ts';
import { quoteAppSale, type Totals } from '../orders/service.ts';
import { scanAndGoBaskets, scanAndGoLines } from './schema.ts';
import { scanAndGoSettingsOf, type ScanAndGoSettings } from './settings.ts';

export type Basket = typeof scanAndGoBaskets.$inferSelect;

export interface BasketView {
  id: string | null;
  locationId: string;
  storeName: string;
  settings: ScanAndGoSettings;
  lines: Array<{
    variantId: string;
    productId: string;
    name: string;
    options: Record<string, string>;
    jan: string;
    unitPrice: number;
    quantity: number;
    total: number;
  }>;
  itemCount: number;
  subtotal: number;
  discountTotal: number;
  total: number;
  pointsToEarn: number;
}

/** A store where スキャン＆ゴー is on, else its 409. */
export async function openStore(db: Executor, locationId: string) {
  const location = await getLocation(db as Db, locationId);
  const settings = await scanAndGoSettingsOf(db, locationId);
  if (!settings.enabled || location.kind !== 'store' || !location.active)
    throw new DomainError('scan_and_go.off', { locationId, storeName: location.name });
  return { location, settings };
}

/** Her unpaid basket at the store (open, or being paid), or null (nothing scanned yet). */
export async function openBasketOf(db: Executor, customerId: string, locationId: string): Promise<Basket | null> {
  const [b] = await db
    .select()
    .from(scanAndGoBaskets)
    .where(
      and(
        eq(scanAndGoBaskets.customerId, customerId),
        eq(scanAndGoBaskets.locationId, locationId),
        ne(scanAndGoBaskets.status, 'paid'),
      ),
    );
  return b ?? null;
}

export async function basketLines(db: Executor, basketId: string) {
  return db
    .select({ variantId: scanAndGoLines.variantId, quantity: scanAndGoLines.quantity })
    .from(scanAndGoLines)
    .where(eq(scanAndGoLines.basketId, basketId))
    .orderBy(asc(scanAndGoLines.addedAt), asc(scanAndGoLines.variantId));
}

/**
 * The first category of the product's chain (its own, then its ancestors) that is not sold by スキャン＆ゴー,
 * or null when it may be.
 */
async function notSoldBy(db: Executor, productId: string): Promise<{ name: string } | null> {
  const chain = (await categoryChains(db, [productId])).get(productId) ?? [];
  if (!chain.length) return null;
  const byId = new Map((await listCategories(db)).map((c) => [c.id, c]));
  const flagged = chain.map((id) => byId.get(id)).find((c) => c?.notScanAndGo);
  return flagged ? { name: flagged.name } : null;
}

/**
 * Whether an item may go into her basket at this store: sold by スキャン＆ゴー (no category of its chain
 * flagged), in stock here for the quantity, and the basket still within the store's cap. Each refusal is
 * its own 409, naming the item, the store or the cap.
 */
export async function assertAddable(
  db: Db,
  at: { customerId: string; locationId: string; storeName: string; settings: ScanAndGoSettings },
  variant: VariantInfo,
  lines: Array<{ variantId: string; quantity: number }>,
): Promise<Totals> {
  const flagged = await notSoldBy(db, variant.productId);
  if (flagged)
    throw new DomainError('scan_and_go.not_sold', {
      variantId: variant.id,
      name: variant.productName,
      categoryName: flagged.name,
    });
  const wanted = lines.find((l) => l.variantId === variant.id)!.quantity;
  const [level] = await availabilityAtLocation(db, at.locationId, [variant.id]);
  if ((level?.available ?? 0) < wanted)
    throw new DomainError('scan_and_go.not_stocked', {
      variantId: variant.id,
      name: variant.productName,
      storeName: at.storeName,
      available: Math.max(level?.available ?? 0, 0),
    });
  const totals = await quoteAppSale(db, {
    customerId: at.customerId,
    locationId: at.locationId,
    lines,
    payment: { method: 'wallet' },
  });
  if (totals.total > at.settings.basketCap)
    throw new DomainError('scan_and_go.over_cap', { cap: at.settings.basketCap, total: totals.total });
  return totals;
}

/** Her basket at a store as the app shows it: the lines priced as the store prices them, the cap. */
export async function basketView(db: Db, actor: Principal, locationId: string): Promise<BasketView> {
  const { customerId } = requireCustomer(actor);
  const location = await getLocation(db, locationId);
  const settings = await scanAndGoSettingsOf(db, locationId);
  const basket = await openBasketOf(db, customerId, locationId);
  const lines = basket ? await basketLines(db, basket.id) : [];
  const empty = { subtotal: 0, discountTotal: 0, total: 0, pointsToEarn: 0, lines: [] as Totals['lines'] };
  const totals = lines.length
    ? await quoteAppSale(db, { customerId, locationId, lines, payment: { method: 'wallet' } })
    : empty;
  const info = lines.length
    ? await getVariants(
        db,
        lines.map((l) => l.variantId),
      )
    : new Map<string, VariantInfo>();
  return {
    id: basket?.id ?? null,
    locationId,
    storeName: location.name,
    settings,
    lines: lines.map((l) => {
      const v = info.get(l.variantId)!;
      const priced = totals.lines.find((p) => p.variantId === l.variantId);
      return {
        variantId: l.variantId,
        productId: v.productId,
        name: v.productName,
        options: v.options,
        jan: v.jan,
        unitPrice: v.price,
        quantity: l.quantity,
        total: priced ? priced.total - priced.discount : v.price * l.quantity,
      };
    }),
    itemCount: lines.reduce((s, l) => s + l.quantity, 0),
    subtotal: totals.subtotal,
    discountTotal: totals.discountTotal,
    total: totals.total,
    pointsToEarn: totals.pointsToEarn,
  };
}

/** Her open basket at the store, made on the first scan (two first scans at once make one basket). */
async function ensureBasket(db: Db, customerId: string, locationId: string): Promise<Basket> {
  const found = await openBasketOf(db, customerId, locationId);
  if (found) return found;
  try {
    const [made] = await db
      .insert(scanAndGoBaskets)
      .values({ id: newId('sgb'), customerId, locationId })
      .returning();
    return made!;
  } catch (err) {
    if (sqlState(err) !== '23505') throw err;
    return (await openBasketOf(db, customerId, locationId))!;
  }
}

/** Put a scanned item in her basket (quantity added to what is there), after assertAddable's checks. */
export async function addToBasket(
  db: Db,
  actor: Principal,
  locationId: string,
  item: { variantId: string; quantity: number },
): Promise<BasketView> {
  const { customerId } = requireCustomer(actor);
  const { location, settings } = await openStore(db, locationId);
  const variant = (await getVariants(db, [item.variantId])).get(item.variantId)!;
  const basket = await ensureBasket(db, customerId, locationId);
  if (basket.status === 'paying') throw new DomainError('scan_and_go.paying', { basketId: basket.id });
  const lines = await basketLines(db, basket.id);
  const had = lines.find((l) => l.variantId === item.variantId);
  const next = had
    ? lines.map((l) => (l.variantId === item.variantId ? { ...l, quantity: l.quantity + item.quantity } : l))
    : [...lines, { variantId: item.variantId, quantity: item.quantity }];
  if (next.find((l) => l.variantId === item.variantId)!.quantity > 99)
    throw new DomainError('platform.validation', {}, [{ field: 'quantity', message: 'too_large' }]);
  await assertAddable(db, { customerId, locationId, storeName: location.name, settings }, variant, next);
  await db
    .insert(scanAndGoLines)
    .values({ basketId: basket.id, variantId: item.variantId, quantity: item.quantity })
    .onConflictDoUpdate({
      target: [scanAndGoLines.basketId, scanAndGoLines.variantId],
      set: { quantity: sql`${scanAndGoLines.quantity} + ${item.quantity}` },
    });
  await db
    .update(scanAndGoBaskets)
    .set({ updatedAt: sql`now()` })
    .where(eq(scanAndGoBaskets.id, basket.id));
  return basketView(db, actor, locationId);
}

/** Take an item out of her basket (all of it). */
export async function removeFromBasket(
  db: Db,
  actor: Principal,
  locationId: string,
  variantId: string,
): Promise<BasketView> {
  const { customerId } = requireCustomer(actor);
  const basket = await openBasketOf(db, customerId, locationId);
  if (basket?.status === 'paying') throw new DomainError('scan_and_go.paying', { basketId: basket.id });
  if (basket)
    await db
      .delete(scanAndGoLines)
      .where(and(eq(scanAndGoLines.basketId, basket.id), eq(scanAndGoLines.variantId, variantId)));
  return basketView(db, actor, locationId);
}
