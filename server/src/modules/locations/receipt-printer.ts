import { isIP } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { assertCanActAt, requireRole, type Principal } from '../../platform/auth.ts';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { changesBetween, recordAudit } from '../../platform/audit.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { locations, receiptPrinters } from './schema.ts';
import './problems.ts';

/**
 * A store's receipt printer: an ESC/POS printer on the store's own network (raw TCP, 9100 by default).
 * Private addresses are what a store has, so any host name or IP is taken; orders prints to it.
 */
export interface ReceiptPrinter {
  locationId: string;
  host: string;
  port: number;
  enabled: boolean;
  /** Open the cash drawer (wired to the printer) on a sale paid at least partly in cash. */
  drawerKick: boolean;
  /** Print each till sale as soon as it is rung up. */
  autoPrint: boolean;
  updatedAt: string;
}

export interface ReceiptPrinterInput {
  host: string;
  port?: number | undefined;
  enabled?: boolean | undefined;
  drawerKick?: boolean | undefined;
  autoPrint?: boolean | undefined;
}

/**
 * A host name (RFC 1123 labels, as a store's DHCP names its printer) or an IPv4/IPv6 address. A name whose
 * last label is all digits is a mistyped address (192.168.1.500), not a name.
 */
export function isPrinterHost(s: string): boolean {
  if (isIP(s)) return true;
  const labels = s.split('.');
  return (
    s.length <= 253 &&
    labels.every((label) => /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/.test(label)) &&
    !/^\d+$/.test(labels.at(-1)!)
  );
}

async function assertLocation(db: Executor, locationId: string): Promise<void> {
  const [row] = await db.select({ id: locations.id }).from(locations).where(eq(locations.id, locationId));
  if (!row) throw new DomainError('locations.not_found', { locationId });
}

function present(row: typeof receiptPrinters.$inferSelect): ReceiptPrinter {
  return {
    locationId: row.locationId,
    host: row.host,
    port: row.port,
    enabled: row.enabled,
    drawerKick: row.drawerKick,
    autoPrint: row.autoPrint,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The printer the till prints to, as the store's staff (and head office) see it; null when none is set. */
export async function getReceiptPrinter(db: Db, actor: Principal, locationId: string): Promise<ReceiptPrinter | null> {
  assertCanActAt(actor, locationId);
  await assertLocation(db, locationId);
  return receiptPrinterAt(db, locationId);
}

/** The store's printer with no check of the caller (orders has checked the order's store). */
export async function receiptPrinterAt(db: Executor, locationId: string): Promise<ReceiptPrinter | null> {
  const [row] = await db.select().from(receiptPrinters).where(eq(receiptPrinters.locationId, locationId));
  return row ? present(row) : null;
}

/**
 * Set the store's printer (its manager, or head office; the route has checked the address's form), with
 * what changed in the audit trail, in the same transaction.
 */
export async function setReceiptPrinter(
  db: Db,
  actor: Principal,
  locationId: string,
  input: ReceiptPrinterInput,
): Promise<ReceiptPrinter> {
  const staff = requireRole(actor, 'store_manager', 'hq', 'owner');
  assertCanActAt(staff, locationId);
  await assertLocation(db, locationId);
  const set = {
    host: input.host,
    port: input.port ?? 9100,
    enabled: input.enabled ?? true,
    drawerKick: input.drawerKick ?? true,
    autoPrint: input.autoPrint ?? false,
  };
  return inTransaction(db, async (tx) => {
    const [before] = await tx
      .select()
      .from(receiptPrinters)
      .where(eq(receiptPrinters.locationId, locationId))
      .for('update');
    const written = { ...set, updatedAt: sql`now()`, updatedBy: staff.staffId };
    const [row] = await tx
      .insert(receiptPrinters)
      .values({ locationId, ...written })
      .onConflictDoUpdate({ target: receiptPrinters.locationId, set: written })
      .returning();
    const changes = changesBetween(before ?? {}, set);
    if (Object.keys(changes).length)
      await recordAudit(tx, actor, {
        action: 'printer.updated',
        subjectType: 'location',
        subjectId: locationId,
        locationId,
        detail: { changes },
      });
    return present(row!);
  });
}
