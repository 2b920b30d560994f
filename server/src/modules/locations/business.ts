import { eq, sql } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit.ts';
import { requireRole, type Principal } from '../../platform/auth.ts';
import { DomainError } from '../../platform/errors.ts';
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
  /** Where the receipt logo is served (GET /api/business/logo.png, versioned), or null when none is set. */
  logo: string | null;
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
  if (!row) return { name: '', registrationNumber: null, address: '', phone: '', logo: null, updatedAt: null };
  return {
    name: row.name,
    registrationNumber: row.registrationNumber,
    address: row.address,
    phone: row.phone,
    logo: row.logo && row.logoUpdatedAt ? `/api/business/logo.png?v=${row.logoUpdatedAt.getTime().toString(36)}` : null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** An 80 mm printer has 576 dots a line; a logo taller than this wastes paper on every receipt. */
export const LOGO_LIMITS = { maxWidth: 576, maxHeight: 400, maxKb: 64 } as const;

/**
 * The PNG's size in dots from its header (signature, then IHDR first), or null when it is not a whole PNG
 * (no IEND at the end). The printer driver decodes it when printing; a damaged one prints without the logo.
 */
export function pngSize(png: Buffer): { width: number; height: number } | null {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (png.length < 45 || !png.subarray(0, 8).equals(signature)) return null;
  if (png.toString('latin1', 12, 16) !== 'IHDR' || png.toString('latin1', png.length - 8, png.length - 4) !== 'IEND')
    return null;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The receipt logo as stored (base64 PNG) with its version, or null. */
export async function getBusinessLogo(db: Executor): Promise<{ png: string; version: string } | null> {
  const [row] = await cached.get(db);
  return row?.logo && row.logoUpdatedAt ? { png: row.logo, version: row.logoUpdatedAt.getTime().toString(36) } : null;
}

/**
 * Set (a base64 PNG) or clear (null) the receipt logo: the owner, recorded in the audit trail. A PNG wider than
 * the printer's line, too tall or too heavy is refused with the limits in the message.
 */
export async function setBusinessLogo(db: Db, actor: Principal, base64: string | null): Promise<Business> {
  const owner = requireRole(actor, 'owner');
  if (base64 !== null) {
    const png = Buffer.from(base64, 'base64');
    const size = pngSize(png);
    if (!size) throw new DomainError('business.bad_logo', { reason: 'not_png', ...LOGO_LIMITS });
    if (
      size.width > LOGO_LIMITS.maxWidth ||
      size.height > LOGO_LIMITS.maxHeight ||
      png.length > LOGO_LIMITS.maxKb * 1024
    )
      throw new DomainError('business.bad_logo', { reason: 'too_big', ...LOGO_LIMITS, ...size });
    base64 = png.toString('base64'); // as decoded: no line breaks or data: prefix kept
  }
  const saved = await inTransaction(db, async (tx) => {
    const set = {
      logo: base64,
      logoUpdatedAt: base64 === null ? null : sql`clock_timestamp()`,
      updatedAt: sql`now()`,
      updatedBy: owner.staffId,
    };
    // The name stays '' until the owner sets it on the same screen; the logo may come first.
    await tx
      .insert(businessProfile)
      .values({ id: ID, name: '', ...set })
      .onConflictDoUpdate({ target: businessProfile.id, set });
    await recordAudit(tx, actor, {
      action: 'business.updated',
      subjectType: 'business',
      subjectId: ID,
      detail: { logo: base64 === null ? 'removed' : 'set' },
    });
    return getBusiness(tx);
  });
  tableChanged(db, 'business_profile');
  return saved;
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
