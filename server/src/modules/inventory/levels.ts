import { sql } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import { publish } from '../../platform/events/hub.ts';

export interface Level {
  variantId: string;
  locationId: string;
  onHand: number;
  reserved: number;
  inTransit: number;
  available: number;
}

export type Pair = { variantId: string; locationId: string };

/** Columns of stock_levels (optionally qualified by a table alias) as a Level, for SELECT and RETURNING. */
export function levelColumnsOf(alias?: string) {
  const t = alias ? `${alias}.` : '';
  return sql.raw(
    `${t}variant_id AS "variantId", ${t}location_id AS "locationId", ${t}on_hand AS "onHand", ${t}reserved AS reserved,
     ${t}in_transit AS "inTransit", GREATEST(${t}on_hand - ${t}reserved, 0) AS available`,
  );
}

export const levelColumns = levelColumnsOf();

export function toLevel(r: Level): Level {
  return {
    variantId: r.variantId,
    locationId: r.locationId,
    onHand: Number(r.onHand),
    reserved: Number(r.reserved),
    inTransit: Number(r.inTransit),
    available: Number(r.available),
  };
}

export const pairKey = (p: Pair) => `${p.variantId}\u0000${p.locationId}`;

/** Sorted by (variant, location): the one order in which several stock rows are ever locked. */
export function sortPairs<T extends Pair>(pairs: T[]): T[] {
  return [...pairs].sort((a, b) =>
    a.variantId < b.variantId
      ? -1
      : a.variantId > b.variantId
        ? 1
        : a.locationId < b.locationId
          ? -1
          : a.locationId > b.locationId
            ? 1
            : 0,
  );
}

export function pairsSql(pairs: Pair[]) {
  return sql.join(
    pairs.map((p) => sql`(${p.variantId}, ${p.locationId})`),
    sql`, `,
  );
}

/**
 * Lock several stock rows in key order, creating missing ones, so two multi-line operations never
 * deadlock on each other. Call inside a transaction.
 */
export async function lockLevels(tx: Executor, pairs: Pair[]): Promise<void> {
  const sorted = sortPairs(pairs);
  if (!sorted.length) return;
  await tx.execute(
    sql`INSERT INTO stock_levels (variant_id, location_id) VALUES ${pairsSql(sorted)} ON CONFLICT DO NOTHING`,
  );
  await tx.execute(
    sql`SELECT 1 FROM stock_levels WHERE (variant_id, location_id) IN (${pairsSql(sorted)})
        ORDER BY variant_id, location_id FOR UPDATE`,
  );
}

/** Tell listeners (SSE, other app copies) about new levels; delivered when the transaction commits. */
export async function announce(tx: Executor, levels: Level[]): Promise<void> {
  for (const l of levels) await publish(tx, 'stock', { ...toLevel(l) });
}

/** Read levels for the given rows as they are (no sweep). Missing rows come back as zeros. */
export async function readLevels(db: Executor, pairs: Pair[]): Promise<Level[]> {
  if (!pairs.length) return [];
  const rows = await query<Level>(
    db,
    sql`SELECT ${levelColumns} FROM stock_levels WHERE (variant_id, location_id) IN (${pairsSql(pairs)})`,
  );
  const byKey = new Map(rows.map((r) => [pairKey(r), toLevel(r)]));
  return pairs.map((p) => byKey.get(pairKey(p)) ?? { ...p, onHand: 0, reserved: 0, inTransit: 0, available: 0 });
}
