import { and, desc, eq, like, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { requireStaff, type Principal } from '../../platform/auth.ts';
import { assertLocationsExist } from '../locations/service.ts';
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
  const staff = requireStaff(actor);
  return inTransaction(db, async (tx) => {
    if (input.homeLocationId) await assertLocationsExist(tx, [input.homeLocationId]);
    const id = await createCustomer(tx, { ...input, source: staff.staffId });
    return customerView(tx, id);
  });
}

/** A customer for staff; a merged one answers with the survivor's id in mergedInto. */
export async function getCustomerForStaff(db: Db, actor: Principal, id: string): Promise<CustomerView> {
  requireStaff(actor);
  return customerView(db, id);
}

/**
 * Find customers the way a clerk types: a phone number in any format, an e-mail, a member or card
 * number, or part of the name in kanji, hiragana or katakana.
 */
export async function searchCustomers(db: Db, actor: Principal, q: string, limit: number): Promise<CustomerView[]> {
  requireStaff(actor);
  const text = q.normalize('NFKC').trim();
  if (!text) {
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
  if (actor.kind !== 'customer' || actor.customerId !== customerId) requireStaff(actor);
  return inTransaction(db, async (tx) => {
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
    return customerView(tx, customerId);
  });
}
