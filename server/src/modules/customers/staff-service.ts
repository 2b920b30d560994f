import { and, desc, eq, like, sql } from 'drizzle-orm';
import { emitCustomerChanged } from './events.ts';
import type { Db } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { assertCanActAt, requireStaff, type Principal, type StaffPrincipal } from '../../platform/auth.ts';
import { requireScope } from '../../platform/api-scopes.ts';
import { recordAudit } from '../../platform/audit.ts';
import { assertLocationsExist } from '../locations/service.ts';
import { assertCustomerInContext, recordFact } from '../events/service.ts';
import { maskEmail } from './presence.ts';
import { customerIdentifiers, customers, type IdentifierKind } from './schema.ts';
import { isValidMemberNumber, nameSearchKey, normalizeEmail, normalizePhone } from './normalize.ts';
import {
  addIdentifiers,
  createCustomer,
  customerIdByIdentifier,
  customerView,
  customerViews,
  loadCustomer,
  normalizeAll,
  type CustomerView,
  type NewCustomer,
} from './service.ts';

/** Staff register a member at the till (no password: the person can sign up online with the same e-mail later). */
export async function createCustomerByStaff(
  db: Db,
  actor: Principal,
  input: Omit<NewCustomer, 'source' | 'passwordHash'>,
): Promise<CustomerView> {
  // A store role registers members at its own stores: the registration makes her that store's customer.
  const staff = input.homeLocationId ? assertCanActAt(actor, input.homeLocationId) : requireStaff(actor);
  return inTransaction(db, async (tx) => {
    if (input.homeLocationId) await assertLocationsExist(tx, [input.homeLocationId]);
    const id = await createCustomer(tx, { ...input, source: staff.staffId });
    // Her membership began at this store: she is its customer now (events/context.ts).
    const store = input.homeLocationId ?? (staff.locationIds.length === 1 ? staff.locationIds[0] : undefined);
    if (store)
      await recordFact(tx, {
        type: 'registered_in_store',
        customerId: id,
        channel: 'store',
        locationId: store,
        source: staff.staffId,
        payload: {},
      });
    return customerView(tx, id);
  });
}

/** A customer for staff; a merged one answers with the survivor's id in mergedInto. */
export async function getCustomerForStaff(db: Db, actor: Principal, id: string): Promise<CustomerView> {
  requireScope(actor, 'customers:read');
  const staff = await assertCustomerInContext(db, actor, id);
  const view = await customerView(db, id);
  await recordAudit(db, staff, { action: 'customer.viewed', subjectType: 'customer', subjectId: id });
  return view;
}

/**
 * What a store's staff see of a customer in a search: enough to pick the right person with her (name,
 * reading, tier, member number), not her contact details or birthday — those show once she is their
 * customer (events/context.ts). Head office sees everything.
 */
function maskedFor(staff: StaffPrincipal, views: CustomerView[]): CustomerView[] {
  if (staff.role === 'owner' || staff.role === 'hq') return views;
  return views.map((v) => ({
    ...v,
    email: v.email ? maskEmail(v.email) : null,
    phone: v.phone ? `${'*'.repeat(Math.max(0, v.phone.length - 4))}${v.phone.slice(-4)}` : null,
    birthday: null,
  }));
}

/**
 * Find customers the way a clerk types: a phone number in any format, an e-mail, a member or card
 * number, or part of the name in kanji, hiragana or katakana.
 */
export async function searchCustomers(db: Db, actor: Principal, q: string, limit: number): Promise<CustomerView[]> {
  const staff = requireStaff(actor);
  requireScope(actor, 'customers:read');
  return maskedFor(staff, await findCustomers(db, staff, q, limit));
}

async function findCustomers(db: Db, staff: StaffPrincipal, q: string, limit: number): Promise<CustomerView[]> {
  const text = q.normalize('NFKC').trim();
  if (!text) {
    // Browsing the newest members is head office's; a store finds the one in front of it.
    if (staff.role !== 'owner' && staff.role !== 'hq') return [];
    const rows = await db
      .select({ id: customers.id })
      .from(customers)
      .where(eq(customers.status, 'active'))
      .orderBy(desc(customers.createdAt))
      .limit(limit);
    return customerViews(
      db,
      rows.map((r) => r.id),
    );
  }
  const exact: Array<[IdentifierKind, string]> = [];
  const digits = text.replace(/[\s-]/g, '');
  if (isValidMemberNumber(digits)) exact.push(['member_number', digits]);
  const phone = normalizePhone(text);
  if (phone) exact.push(['phone', phone]);
  const email = normalizeEmail(text);
  if (email) exact.push(['email', email]);
  if (/^[0-9A-Za-z]{6,32}$/.test(digits)) exact.push(['card', digits.toUpperCase()]);
  const ids: string[] = [];
  for (const [kind, value] of exact) {
    const id = await customerIdByIdentifier(db, kind, value);
    if (id && !ids.includes(id)) ids.push(id);
  }
  const key = nameSearchKey(text, null);
  if (key && !email) {
    const pattern = `%${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await db
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.status, 'active'), like(customers.searchKey, pattern)))
      .orderBy(customers.searchKey)
      .limit(limit);
    for (const r of rows) if (!ids.includes(r.id)) ids.push(r.id);
  }
  return customerViews(db, ids.slice(0, limit));
}

export interface ProfileChange {
  name?: string | undefined;
  nameKana?: string | undefined;
  phone?: string | undefined;
  birthday?: string | undefined;
}

/** The customer changes their own profile, or staff change it for them. */
export async function updateProfile(
  db: Db,
  actor: Principal,
  customerId: string,
  change: ProfileChange,
): Promise<CustomerView> {
  const byStaff = actor.kind !== 'customer' || actor.customerId !== customerId;
  if (byStaff) await assertCustomerInContext(db, actor, customerId);
  return inTransaction(db, async (tx) => {
    if (byStaff)
      await recordAudit(tx, actor, {
        action: 'customer.updated',
        subjectType: 'customer',
        subjectId: customerId,
        detail: { fields: Object.keys(change).filter((k) => change[k as keyof ProfileChange] !== undefined) },
      });
    const current = await loadCustomer(tx, customerId, { active: true, forUpdate: true });
    const name = change.name?.normalize('NFKC').trim() ?? current.name;
    const nameKana =
      change.nameKana !== undefined ? change.nameKana.normalize('NFKC').trim() || null : current.nameKana;
    await tx
      .update(customers)
      .set({
        name,
        nameKana,
        searchKey: nameSearchKey(name, nameKana),
        birthday: change.birthday ?? current.birthday,
        updatedAt: sql`now()`,
      })
      .where(eq(customers.id, customerId));
    // An empty phone removes the number on file.
    if (change.phone !== undefined) {
      const phone = normalizeAll([['phone', 'phone', change.phone]]);
      await tx
        .delete(customerIdentifiers)
        .where(and(eq(customerIdentifiers.customerId, customerId), eq(customerIdentifiers.kind, 'phone')));
      await addIdentifiers(tx, customerId, phone);
    }
    const view = await customerView(tx, customerId);
    await emitCustomerChanged(tx, 'customer.updated', customerId, async () => view);
    return view;
  });
}
