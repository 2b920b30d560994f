import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import { query, type Db, type Tx } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { actorId, assertCanActAt, requireStaff, type Principal } from '../../platform/auth.ts';
import { requireScope } from '../../platform/api-scopes.ts';
import { getVariants } from '../catalog/service.ts';
import { assertLocationsExist } from '../locations/service.ts';
import { stockMovements, transfers, type MovementKind } from './schema.ts';
import { announce, levelColumns, lockLevels, readLevels, toLevel, type Level } from './levels.ts';
import { sweepIfDue } from './expiry.ts';
import { announceBackInStock } from './back-in-stock.ts';

export type MoveKind = 'receipt' | 'sale' | 'return' | 'adjustment' | 'count' | 'transfer';

export interface MoveInput {
  variantId: string;
  locationId: string;
  kind: MoveKind;
  /** receipt/sale/return/transfer: units (> 0); adjustment: signed change; count: the counted total. */
  quantity: number;
  reason?: string | null | undefined;
  reference?: string | null | undefined;
  toLocationId?: string | undefined;
}

export type Movement = typeof stockMovements.$inferSelect;
export type Transfer = typeof transfers.$inferSelect;

export interface MoveResult {
  movement: Movement;
  level: Level;
  transfer?: Transfer;
}

/**
 * Record a stock movement and apply it to the level in one transaction. Decreases are guarded: a sale
 * or transfer cannot take reserved or missing stock, an adjustment cannot take on hand below zero.
 */
export async function moveStock(db: Db, actor: Principal, input: MoveInput): Promise<MoveResult> {
  requireScope(actor, 'inventory:write');
  assertCanActAt(actor, input.locationId);
  await assertLocationsExist(db, [input.locationId, ...(input.toLocationId ? [input.toLocationId] : [])]);
  await getVariants(db, [input.variantId]);
  const attempt = () => inTransaction(db, (tx) => applyMove(tx, actor, input));
  try {
    return await attempt();
  } catch (err) {
    if (err instanceof DomainError && err.code === 'inventory.insufficient_stock' && (await sweepIfDue(db, [input])))
      return attempt();
    throw err;
  }
}

async function applyMove(tx: Tx, actor: Principal, input: MoveInput): Promise<MoveResult> {
  const { variantId, locationId, quantity: q } = input;
  const pair = { variantId, locationId };
  const short = async (requested: number) => {
    const [now] = await readLevels(tx, [pair]);
    return new DomainError('inventory.insufficient_stock', {
      variantId,
      locationId,
      requested,
      available: now?.available ?? 0,
    });
  };
  let delta: number;
  let level: Level | undefined;
  let kind: MovementKind;
  let transfer: Transfer | undefined;

  switch (input.kind) {
    case 'receipt':
    case 'return':
      delta = q;
      kind = input.kind;
      level = await upsertAdd(tx, variantId, locationId, q);
      break;
    case 'adjustment':
      delta = q;
      kind = 'adjustment';
      if (q > 0) level = await upsertAdd(tx, variantId, locationId, q);
      else {
        level = await guardedUpdate(tx, variantId, locationId, sql`on_hand = on_hand + ${q}`, sql`on_hand + ${q} >= 0`);
        if (!level) throw await short(-q);
      }
      break;
    case 'sale':
      delta = -q;
      kind = 'sale';
      level = await guardedUpdate(
        tx,
        variantId,
        locationId,
        sql`on_hand = on_hand - ${q}`,
        sql`on_hand - reserved >= ${q}`,
      );
      if (!level) throw await short(q);
      break;
    case 'count': {
      kind = 'count';
      await lockLevels(tx, [pair]);
      const [before] = await readLevels(tx, [pair]);
      delta = q - (before?.onHand ?? 0);
      level = await guardedUpdate(tx, variantId, locationId, sql`on_hand = ${q}`, sql`true`);
      break;
    }
    case 'transfer': {
      const to = input.toLocationId!;
      kind = 'transfer_out';
      delta = -q;
      await lockLevels(tx, [pair, { variantId, locationId: to }]);
      level = await guardedUpdate(
        tx,
        variantId,
        locationId,
        sql`on_hand = on_hand - ${q}`,
        sql`on_hand - reserved >= ${q}`,
      );
      if (!level) throw await short(q);
      const [incoming] = await query<Level>(
        tx,
        sql`UPDATE stock_levels SET in_transit = in_transit + ${q}, updated_at = now()
             WHERE variant_id = ${variantId} AND location_id = ${to} RETURNING ${levelColumns}`,
      );
      [transfer] = await tx
        .insert(transfers)
        .values({
          id: newId('trf'),
          variantId,
          fromLocationId: locationId,
          toLocationId: to,
          quantity: q,
          status: 'in_transit',
          reference: input.reference ?? null,
          createdBy: actorId(actor),
        })
        .returning();
      await announce(tx, [incoming!]);
      break;
    }
  }
  const [movement] = await tx
    .insert(stockMovements)
    .values({
      id: newId('mov'),
      variantId,
      locationId,
      kind,
      quantity: delta,
      onHandAfter: level!.onHand,
      reason: input.reason ?? null,
      reference: input.reference ?? null,
      transferId: transfer?.id ?? null,
      staffId: actorId(actor),
    })
    .returning();
  await announce(tx, [level!]);
  await announceBackInStock(tx, toLevel(level!), delta, kind);
  return { movement: movement!, level: toLevel(level!), ...(transfer ? { transfer } : {}) };
}

async function upsertAdd(tx: Tx, variantId: string, locationId: string, q: number): Promise<Level> {
  const [level] = await query<Level>(
    tx,
    sql`INSERT INTO stock_levels (variant_id, location_id, on_hand) VALUES (${variantId}, ${locationId}, ${q})
        ON CONFLICT (variant_id, location_id) DO UPDATE SET on_hand = stock_levels.on_hand + EXCLUDED.on_hand, updated_at = now()
        RETURNING ${levelColumns}`,
  );
  return level!;
}

async function guardedUpdate(
  tx: Tx,
  variantId: string,
  locationId: string,
  set: SQL,
  guard: SQL,
): Promise<Level | undefined> {
  const [level] = await query<Level>(
    tx,
    sql`UPDATE stock_levels SET ${set}, updated_at = now()
         WHERE variant_id = ${variantId} AND location_id = ${locationId} AND ${guard}
        RETURNING ${levelColumns}`,
  );
  return level;
}

/** Book a transfer in at its destination: in transit becomes on hand. */
export async function receiveTransfer(db: Db, actor: Principal, id: string): Promise<MoveResult> {
  return inTransaction(db, async (tx) => {
    const [t] = await tx.select().from(transfers).where(eq(transfers.id, id)).for('update');
    if (!t) throw new DomainError('inventory.transfer_not_found', { transferId: id });
    assertCanActAt(actor, t.toLocationId);
    if (t.status !== 'in_transit')
      throw new DomainError('inventory.transfer_not_in_transit', { transferId: id, currentStatus: t.status });
    const [level] = await query<Level>(
      tx,
      sql`UPDATE stock_levels SET on_hand = on_hand + ${t.quantity}, in_transit = in_transit - ${t.quantity}, updated_at = now()
           WHERE variant_id = ${t.variantId} AND location_id = ${t.toLocationId} RETURNING ${levelColumns}`,
    );
    const [transfer] = await tx
      .update(transfers)
      .set({ status: 'received', receivedBy: actorId(actor), receivedAt: sql`now()` })
      .where(eq(transfers.id, id))
      .returning();
    const [movement] = await tx
      .insert(stockMovements)
      .values({
        id: newId('mov'),
        variantId: t.variantId,
        locationId: t.toLocationId,
        kind: 'transfer_in',
        quantity: t.quantity,
        onHandAfter: level!.onHand,
        reference: t.reference,
        transferId: t.id,
        staffId: actorId(actor),
      })
      .returning();
    await announce(tx, [level!]);
    await announceBackInStock(tx, toLevel(level!), t.quantity, 'transfer_in');
    return { movement: movement!, level: toLevel(level!), transfer: transfer! };
  });
}

/** Transfers into or out of a location. */
export async function listTransfers(
  db: Db,
  actor: Principal,
  q: { locationId: string; status?: 'in_transit' | 'received' | undefined },
) {
  assertCanActAt(actor, q.locationId);
  return query<Transfer>(
    db,
    sql`SELECT id, variant_id AS "variantId", from_location_id AS "fromLocationId", to_location_id AS "toLocationId", quantity, status,
               reference, created_by AS "createdBy", received_by AS "receivedBy", created_at AS "createdAt", received_at AS "receivedAt"
          FROM transfers WHERE (from_location_id = ${q.locationId} OR to_location_id = ${q.locationId})
          ${q.status ? sql`AND status = ${q.status}` : sql``}
         ORDER BY created_at DESC LIMIT 200`,
  );
}

/** The ledger for a location (optionally one variant), newest first, keyset-paginated by movement id. */
export async function listMovements(
  db: Db,
  actor: Principal,
  q: { locationId: string; variantId?: string | undefined; before?: string | undefined; limit: number },
) {
  // A store's ledger is its own staff's and head office's (who moved what, and why, is the store's business).
  assertCanActAt(actor, q.locationId);
  const conds = [eq(stockMovements.locationId, q.locationId)];
  if (q.variantId) conds.push(eq(stockMovements.variantId, q.variantId));
  if (q.before) conds.push(lt(stockMovements.id, q.before));
  const rows = await db
    .select()
    .from(stockMovements)
    .where(and(...conds))
    .orderBy(desc(stockMovements.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return { items: page, nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null };
}
