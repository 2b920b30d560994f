import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { assertCanActAt, requireRole, type Principal } from '../../platform/auth.ts';
import { getVariants } from '../catalog/service.ts';
import { stockReconciliations } from './schema.ts';

export interface Reconciliation {
  id: string;
  variantId: string;
  locationId: string;
  /** Units sold beyond what was free on record. */
  quantity: number;
  /** The till sale's order id. */
  reference: string | null;
  productName: string;
  options: Record<string, string>;
  jan: string;
  createdAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
}

/**
 * Till sales that sold more than was free on record at a store (see till.ts): open ones first (oldest
 * first: the longest waiting), then the resolved ones of the last 30 days. Staff of the store read them.
 */
export async function listReconciliations(
  db: Db,
  actor: Principal,
  opts: { locationId: string; open?: boolean | undefined },
): Promise<Reconciliation[]> {
  assertCanActAt(actor, opts.locationId);
  const r = stockReconciliations;
  const rows = await db
    .select()
    .from(r)
    .where(
      and(
        eq(r.locationId, opts.locationId),
        opts.open
          ? isNull(r.resolvedAt)
          : sql`(${r.resolvedAt} IS NULL OR ${r.resolvedAt} >= now() - interval '30 days')`,
      ),
    )
    .orderBy(sql`${r.resolvedAt} IS NOT NULL`, desc(sql`coalesce(${r.resolvedAt}, 'infinity')`), r.createdAt)
    .limit(500);
  const info = await getVariants(db, [...new Set(rows.map((x) => x.variantId))]);
  return rows.map((x) => {
    const v = info.get(x.variantId);
    return { ...x, productName: v?.productName ?? '', options: v?.options ?? {}, jan: v?.jan ?? '' };
  });
}

/**
 * The manager has counted the shelf and dealt with it (a count movement, the web order's customer called):
 * the line leaves the open list. Store manager of the store, or head office. Resolving twice is harmless.
 */
export async function resolveReconciliation(db: Db, actor: Principal, id: string): Promise<Reconciliation> {
  const staff = requireRole(actor, 'owner', 'hq', 'store_manager');
  const [row] = await db.select().from(stockReconciliations).where(eq(stockReconciliations.id, id));
  if (!row) throw new DomainError('inventory.reconciliation_not_found', { id });
  assertCanActAt(staff, row.locationId);
  await db
    .update(stockReconciliations)
    .set({ resolvedAt: sql`now()`, resolvedBy: staff.staffId })
    .where(and(eq(stockReconciliations.id, id), isNull(stockReconciliations.resolvedAt)));
  const [done] = (await listReconciliations(db, staff, { locationId: row.locationId })).filter((x) => x.id === id);
  return done!;
}
