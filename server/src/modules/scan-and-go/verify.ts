import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { assertCanActAt, type Principal } from '../../platform/auth.ts';
import { getLocation } from '../locations/service.ts';
import { actingStaff } from '../staff/service.ts';
import { orderView } from '../orders/service.ts';
import { readExitPass, type ExitPassKey } from './exit-pass.ts';
import { exitPasses } from './schema.ts';

/** A door scan of the same pass within this time shows it again (a clerk scanning twice); later it is refused. */
export const RESCAN_GRACE_MS = 2 * 60_000;

const tokyoTime = (d: Date) =>
  d.toLocaleString('ja-JP', {
    timeZone: 'Asia/Tokyo',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });

export interface VerifiedPass {
  orderId: string;
  orderNumber: string;
  paidAt: string;
  itemCount: number;
  total: number;
  /** 「商品を確認してください」 (true) or 「確認不要」. */
  mustCheck: boolean;
  verifiedAt: string;
  verifiedBy: string;
  /** A second scan within the grace: it was verified a moment ago. */
  again: boolean;
  lines: Array<{ name: string; options: Record<string, string>; jan: string; quantity: number; total: number }>;
}

/**
 * A clerk at the door scans a shopper's exit pass: a forged or altered code is refused, so is an expired
 * one and one of another store; the first scan records who verified it and when (a guarded update, so two
 * door scanners at once record one), and the clerk sees the paid items and whether to look at them.
 */
export async function verifyExitPass(
  db: Db,
  key: ExitPassKey,
  actor: Principal,
  input: { locationId: string; code: string },
): Promise<VerifiedPass> {
  const staff = assertCanActAt(actor, input.locationId);
  const { orderId, expiresAt } = readExitPass(key, input.code);
  const [row] = await db.select().from(exitPasses).where(eq(exitPasses.orderId, orderId));
  if (!row) throw new DomainError('scan_and_go.pass_invalid');
  if (row.locationId !== input.locationId)
    throw new DomainError('scan_and_go.pass_other_store', { storeName: (await getLocation(db, row.locationId)).name });
  if (row.verifiedAt && Date.now() - row.verifiedAt.getTime() > RESCAN_GRACE_MS)
    throw new DomainError('scan_and_go.pass_used', { verifiedAt: tokyoTime(row.verifiedAt) });
  if (!row.verifiedAt && expiresAt.getTime() <= Date.now())
    throw new DomainError('scan_and_go.pass_expired', { expiredAt: tokyoTime(expiresAt) });
  const [marked] = await db
    .update(exitPasses)
    .set({ verifiedAt: sql`now()`, verifiedBy: staff.staffId })
    .where(and(eq(exitPasses.orderId, orderId), isNull(exitPasses.verifiedAt)))
    .returning();
  const now = marked ?? (await db.select().from(exitPasses).where(eq(exitPasses.orderId, orderId)))[0]!;
  const order = await orderView(db, orderId);
  const by = now.verifiedBy ? await actingStaff(db, now.verifiedBy) : null;
  return {
    orderId,
    orderNumber: order.number,
    paidAt: now.issuedAt.toISOString(),
    itemCount: now.itemCount,
    total: order.total,
    mustCheck: now.mustCheck,
    verifiedAt: now.verifiedAt!.toISOString(),
    verifiedBy: by?.name ?? now.verifiedBy ?? '',
    again: !marked,
    lines: order.lines.map((l) => ({
      name: l.name,
      options: l.options,
      jan: l.jan,
      quantity: l.quantity,
      total: l.total - l.discount,
    })),
  };
}
