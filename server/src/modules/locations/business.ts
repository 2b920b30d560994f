import { eq, sql } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit.ts';
import { requireRole, type Principal } from '../../platform/auth.ts';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { tableCache, tableChanged } from '../../platform/db/table-cache.ts';
import { businessProfile } from './schema.ts';

/**
 * The business that runs the stores: the name and the invoice registration number (適格請求書発行事業者登録番号)
 * on every receipt — with the items at the reduced rate marked and the tax per rate, that makes a receipt a
 * 適格簡易請求書 — and the address and phone the online store's receipts print. One row, set by the owner.
 */
export interface Business {
  name: string;
  /** T + 13 digits, or null until the owner sets it (receipts then carry none). */
  registrationNumber: string | null;
  address: string;
  phone: string;
  updatedAt: string | null;
}

const ID = 'business';

/**
 * A registration number is T and the 13 digits of the 法人番号 (or, for a sole trader, a number of the same
 * form): the first digit checks the other twelve — 9 − (Σ digit × (1 at odd, 2 at even places from the
 * right)) mod 9, as the National Tax Agency defines it.
 */
export function isRegistrationNumber(s: string): boolean {
  const m = /^T(\d)(\d{12})$/.exec(s);
  if (!m) return false;
  const sum = [...m[2]!].reverse().reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 2), 0);
  return 9 - (sum % 9) === Number(m[1]);
}

// Read by every receipt, changed about once a year: kept in memory, dropped on change (table_changed).
const cached = tableCache('business_profile', (db) =>
  db.select().from(businessProfile).where(eq(businessProfile.id, ID)),
);

/** The business as set (empty until the owner sets it). */
export async function getBusiness(db: Executor): Promise<Business> {
  const [row] = await cached.get(db);
  if (!row) return { name: '', registrationNumber: null, address: '', phone: '', updatedAt: null };
  return {
    name: row.name,
    registrationNumber: row.registrationNumber,
    address: row.address,
    phone: row.phone,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export interface BusinessInput {
  name: string;
  registrationNumber: string | null;
  address?: string | undefined;
  phone?: string | undefined;
}

/** Set the business (owner only; the route has checked the number's form), recorded in the audit trail. */
export async function updateBusiness(db: Db, actor: Principal, input: BusinessInput): Promise<Business> {
  const owner = requireRole(actor, 'owner');
  const saved = await inTransaction(db, async (tx) => {
    const set = {
      name: input.name,
      registrationNumber: input.registrationNumber,
      ...(input.address !== undefined ? { address: input.address } : {}),
      ...(input.phone !== undefined ? { phone: input.phone } : {}),
      updatedAt: sql`now()`,
      updatedBy: owner.staffId,
    };
    await tx
      .insert(businessProfile)
      .values({ id: ID, ...set })
      .onConflictDoUpdate({ target: businessProfile.id, set });
    await recordAudit(tx, actor, {
      action: 'business.updated',
      subjectType: 'business',
      subjectId: ID,
      detail: { name: input.name, registrationNumber: input.registrationNumber },
    });
    return getBusiness(tx);
  });
  tableChanged(db, 'business_profile'); // this copy's next receipt sees it at once (the others hear the trigger)
  return saved;
}
