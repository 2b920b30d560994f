import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import { personIds, type MergeStep } from '../customers/service.ts';
import { exitPasses, scanAndGoBaskets, scanAndGoLines } from './schema.ts';

/** Her スキャン＆ゴー baskets (with their lines) and exit passes, for a personal data export (開示請求). */
export async function exportScanAndGo(db: Executor, customerId: string): Promise<Record<string, unknown>> {
  const ids = await personIds(db, customerId);
  const baskets = await db
    .select()
    .from(scanAndGoBaskets)
    .where(inArray(scanAndGoBaskets.customerId, ids))
    .orderBy(asc(scanAndGoBaskets.createdAt));
  const lines = baskets.length
    ? await db
        .select()
        .from(scanAndGoLines)
        .where(
          inArray(
            scanAndGoLines.basketId,
            baskets.map((b) => b.id),
          ),
        )
    : [];
  const passes = await db.select().from(exitPasses).where(inArray(exitPasses.customerId, ids));
  return {
    scanAndGo: {
      baskets: baskets.map((b) => ({
        id: b.id,
        locationId: b.locationId,
        status: b.status,
        orderId: b.orderId,
        createdAt: b.createdAt.toISOString(),
        lines: lines
          .filter((l) => l.basketId === b.id)
          .map((l) => ({ variantId: l.variantId, quantity: l.quantity, addedAt: l.addedAt.toISOString() })),
      })),
      exitPasses: passes.map((p) => ({
        orderId: p.orderId,
        locationId: p.locationId,
        itemCount: p.itemCount,
        issuedAt: p.issuedAt.toISOString(),
        verifiedAt: p.verifiedAt?.toISOString() ?? null,
      })),
    },
  };
}

/** At her erasure: what she scanned and never paid is deleted; paid baskets and passes stay with the sale. */
export async function eraseScanAndGo(tx: Executor, customerId: string): Promise<Record<string, number>> {
  const gone = await tx
    .delete(scanAndGoBaskets)
    .where(
      and(inArray(scanAndGoBaskets.customerId, await personIds(tx, customerId)), eq(scanAndGoBaskets.status, 'open')),
    )
    .returning({ id: scanAndGoBaskets.id });
  return { scanAndGoBaskets: gone.length };
}

/**
 * A merge brings the merged record's baskets and passes to the survivor — except an open basket at a store
 * where the survivor has one open already, which stays behind; undo moves them back.
 */
export const scanAndGoMergeStep: MergeStep = {
  async move(tx, from, to) {
    const baskets = await query<{ id: string }>(
      tx,
      sql`UPDATE scan_and_go_baskets b SET customer_id = ${to}
           WHERE b.customer_id = ${from}
             AND NOT (b.status = 'open' AND EXISTS (SELECT 1 FROM scan_and_go_baskets s
                       WHERE s.customer_id = ${to} AND s.location_id = b.location_id AND s.status = 'open'))
          RETURNING b.id`,
    );
    const passes = await query<{ order_id: string }>(
      tx,
      sql`UPDATE scan_and_go_exit_passes SET customer_id = ${to} WHERE customer_id = ${from} RETURNING order_id`,
    );
    return { scanAndGoBaskets: baskets.map((b) => b.id), exitPasses: passes.map((p) => p.order_id) };
  },
  async moveBack(tx, moved, survivorId, restoredId) {
    const list = (k: string) => (Array.isArray(moved[k]) ? (moved[k] as string[]) : []);
    if (list('scanAndGoBaskets').length)
      await tx
        .update(scanAndGoBaskets)
        .set({ customerId: restoredId })
        .where(
          and(eq(scanAndGoBaskets.customerId, survivorId), inArray(scanAndGoBaskets.id, list('scanAndGoBaskets'))),
        );
    if (list('exitPasses').length)
      await tx
        .update(exitPasses)
        .set({ customerId: restoredId })
        .where(and(eq(exitPasses.customerId, survivorId), inArray(exitPasses.orderId, list('exitPasses'))));
  },
};
