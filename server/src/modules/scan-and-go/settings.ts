import { eq, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { assertCanActAt, requireRole, type Principal } from '../../platform/auth.ts';
import { changesBetween, recordAudit } from '../../platform/audit.ts';
import { getLocation } from '../locations/service.ts';
import { scanAndGoSettings } from './schema.ts';

export interface ScanAndGoSettings {
  locationId: string;
  enabled: boolean;
  /** The most a basket may come to, yen tax included. */
  basketCap: number;
  /** The share (0–100 %) of exit passes picked for 「商品を確認してください」. */
  checkPercent: number;
}

export const DEFAULT_BASKET_CAP = 30_000;
export const DEFAULT_CHECK_PERCENT = 10;

/** A store's スキャン＆ゴー settings; a store never set is off, with the defaults. */
export async function scanAndGoSettingsOf(db: Executor, locationId: string): Promise<ScanAndGoSettings> {
  const [row] = await db.select().from(scanAndGoSettings).where(eq(scanAndGoSettings.locationId, locationId));
  return row
    ? { locationId, enabled: row.enabled, basketCap: row.basketCap, checkPercent: row.checkPercent }
    : { locationId, enabled: false, basketCap: DEFAULT_BASKET_CAP, checkPercent: DEFAULT_CHECK_PERCENT };
}

/** Switch スキャン＆ゴー on or off at a store, set its cap and check share: its manager or head office; audited. */
export async function setScanAndGoSettings(
  db: Db,
  actor: Principal,
  locationId: string,
  change: Partial<Omit<ScanAndGoSettings, 'locationId'>>,
): Promise<ScanAndGoSettings> {
  const staff = requireRole(actor, 'owner', 'hq', 'store_manager');
  assertCanActAt(staff, locationId);
  await getLocation(db, locationId);
  return inTransaction(db, async (tx) => {
    const before = await scanAndGoSettingsOf(tx, locationId);
    const after = { ...before, ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) };
    await tx
      .insert(scanAndGoSettings)
      .values({ ...after, updatedBy: staff.staffId })
      .onConflictDoUpdate({
        target: scanAndGoSettings.locationId,
        set: {
          enabled: after.enabled,
          basketCap: after.basketCap,
          checkPercent: after.checkPercent,
          updatedBy: staff.staffId,
          updatedAt: sql`now()`,
        },
      });
    await recordAudit(tx, actor, {
      action: 'scan_and_go.updated',
      subjectType: 'location',
      subjectId: locationId,
      locationId,
      detail: { changes: changesBetween(before as unknown as Record<string, unknown>, after) },
    });
    return after;
  });
}
