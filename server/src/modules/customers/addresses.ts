import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { requireCustomer, type Principal } from '../../platform/auth.ts';
import { customerAddresses, customers } from './schema.ts';

/** How many addresses her book keeps (a shop's address book, not a contact list). */
export const MAX_ADDRESSES = 10;

export interface AddressInput {
  label?: string | undefined;
  postalCode: string;
  prefecture: string;
  city: string;
  line1: string;
  line2?: string | undefined;
  name: string;
  phone: string;
  lat?: number | undefined;
  lng?: number | undefined;
  isDefault?: boolean | undefined;
}

export interface SavedAddress extends Omit<AddressInput, 'label' | 'isDefault' | 'line2' | 'lat' | 'lng'> {
  id: string;
  label: string;
  line2: string | null;
  lat: number | null;
  lng: number | null;
  isDefault: boolean;
}

const view = (r: typeof customerAddresses.$inferSelect): SavedAddress => ({
  id: r.id,
  label: r.label,
  postalCode: r.postalCode,
  prefecture: r.prefecture,
  city: r.city,
  line1: r.line1,
  line2: r.line2,
  name: r.name,
  phone: r.phone,
  lat: r.lat,
  lng: r.lng,
  isDefault: r.isDefault,
});

/** Typed on a phone: full-width digits and spaces folded once, here at the edge (NFKC). */
function normalise(a: AddressInput) {
  const n = (s: string) => s.normalize('NFKC').trim();
  return {
    label: n(a.label ?? ''),
    postalCode: n(a.postalCode).replace(/^(\d{3})-?(\d{4})$/, '$1-$2'),
    prefecture: n(a.prefecture),
    city: n(a.city),
    line1: n(a.line1),
    line2: a.line2 ? n(a.line2) || null : null,
    name: n(a.name),
    phone: n(a.phone),
    lat: a.lat ?? null,
    lng: a.lng ?? null,
  };
}

async function rows(db: Executor, customerId: string) {
  return db
    .select()
    .from(customerAddresses)
    .where(eq(customerAddresses.customerId, customerId))
    .orderBy(desc(customerAddresses.isDefault), asc(customerAddresses.createdAt), asc(customerAddresses.id));
}

/** Her address book, the default first. */
export async function listAddresses(db: Db, actor: Principal): Promise<SavedAddress[]> {
  return (await rows(db, requireCustomer(actor).customerId)).map(view);
}

/**
 * Her default address (お届け先), or null when her book is empty — where a clerk's 取り寄せ to her home is
 * sent. No check here: the caller has already shown it acts for her (orders' placeForMember, after
 * clienteling's scan rule).
 */
export async function defaultAddressOf(db: Executor, customerId: string): Promise<SavedAddress | null> {
  const [first] = await rows(db, customerId);
  return first ? view(first) : null;
}

/** Lock her customer row: two adds at once cannot pass the limit or leave two defaults. */
async function lockBook(tx: Executor, customerId: string) {
  await tx.select({ id: customers.id }).from(customers).where(eq(customers.id, customerId)).for('update');
}

/** Make `id` her only default. */
async function setDefault(tx: Executor, customerId: string, id: string) {
  await tx
    .update(customerAddresses)
    .set({ isDefault: sql`${customerAddresses.id} = ${id}` })
    .where(eq(customerAddresses.customerId, customerId));
}

/** Save an address; her first is the default, and `isDefault` makes a later one the default. */
export async function addAddress(db: Db, actor: Principal, input: AddressInput): Promise<SavedAddress[]> {
  const me = requireCustomer(actor);
  return inTransaction(db, async (tx) => {
    await lockBook(tx, me.customerId);
    const book = await rows(tx, me.customerId);
    if (book.length >= MAX_ADDRESSES) throw new DomainError('customer.address_book_full', { max: MAX_ADDRESSES });
    const id = newId('adr');
    await tx.insert(customerAddresses).values({ id, customerId: me.customerId, ...normalise(input) });
    if (input.isDefault || book.length === 0) await setDefault(tx, me.customerId, id);
    return (await rows(tx, me.customerId)).map(view);
  });
}

/** Change one of her addresses; someone else's is "not found". */
export async function updateAddress(
  db: Db,
  actor: Principal,
  id: string,
  input: AddressInput,
): Promise<SavedAddress[]> {
  const me = requireCustomer(actor);
  return inTransaction(db, async (tx) => {
    await lockBook(tx, me.customerId);
    const changed = await tx
      .update(customerAddresses)
      .set({ ...normalise(input), updatedAt: sql`now()` })
      .where(and(eq(customerAddresses.id, id), eq(customerAddresses.customerId, me.customerId)))
      .returning({ id: customerAddresses.id });
    if (!changed.length) throw new DomainError('customer.address_not_found', { addressId: id });
    if (input.isDefault) await setDefault(tx, me.customerId, id);
    return (await rows(tx, me.customerId)).map(view);
  });
}

/** Remove one of her addresses; when it was the default, the oldest left becomes the default. */
export async function removeAddress(db: Db, actor: Principal, id: string): Promise<SavedAddress[]> {
  const me = requireCustomer(actor);
  return inTransaction(db, async (tx) => {
    await lockBook(tx, me.customerId);
    const [gone] = await tx
      .delete(customerAddresses)
      .where(and(eq(customerAddresses.id, id), eq(customerAddresses.customerId, me.customerId)))
      .returning();
    if (!gone) throw new DomainError('customer.address_not_found', { addressId: id });
    const left = await rows(tx, me.customerId);
    if (gone.isDefault && left[0]) await setDefault(tx, me.customerId, left[0].id);
    return (await rows(tx, me.customerId)).map(view);
  });
}

/**
 * Her address book for a personal data request: hers and those of the records merged into her (a merge
 * does not move addresses, so they stay under the merged record's id — still hers).
 */
export async function exportAddresses(db: Executor, customerIds: readonly string[]) {
  if (!customerIds.length) return [];
  const all = await db
    .select()
    .from(customerAddresses)
    .where(inArray(customerAddresses.customerId, [...customerIds]))
    .orderBy(desc(customerAddresses.isDefault), asc(customerAddresses.createdAt), asc(customerAddresses.id));
  return all.map((r) => {
    const { id: _id, ...fields } = view(r);
    return { ...fields, createdAt: r.createdAt.toISOString() };
  });
}

/** Her address book deleted (account deletion). */
export async function forgetAddresses(tx: Executor, customerIds: string[]): Promise<void> {
  if (customerIds.length) await tx.delete(customerAddresses).where(inArray(customerAddresses.customerId, customerIds));
}

/** The same place for the same person: what makes two saved addresses one (label, pin and default aside). */
const sameAddressKey = (r: typeof customerAddresses.$inferSelect) =>
  JSON.stringify(
    [
      r.postalCode.replace(/\D/g, ''),
      r.prefecture,
      r.city,
      r.line1,
      r.line2 ?? '',
      r.name,
      r.phone.replace(/\D/g, ''),
    ].map((s) => s.normalize('NFKC').replace(/\s+/g, '')),
  );

/**
 * A merge (merge.ts): the merged customer's addresses join the survivor's book, except those the survivor
 * already has (the same address for the same person), which stay with the merged record. The survivor's
 * default stays her default; when she had none, the merged one's default becomes hers. Returns what moved,
 * for undo: `addresses` (ids) and `addressDefault` (the moved one that was the merged customer's default).
 */
export async function mergeAddresses(
  tx: Executor,
  from: string,
  to: string,
): Promise<{ addresses: string[]; addressDefault: string[] }> {
  const rows = await tx
    .select()
    .from(customerAddresses)
    .where(inArray(customerAddresses.customerId, [from, to]))
    .orderBy(asc(customerAddresses.createdAt), asc(customerAddresses.id));
  const kept = rows.filter((r) => r.customerId === to);
  const have = new Set(kept.map(sameAddressKey));
  const survivorHasDefault = kept.some((r) => r.isDefault);
  const moving = rows.filter(
    (r) => r.customerId === from && !have.has(sameAddressKey(r)) && have.add(sameAddressKey(r)),
  );
  if (!moving.length) return { addresses: [], addressDefault: [] };
  const formerDefault = moving.filter((r) => r.isDefault).map((r) => r.id);
  await tx
    .update(customerAddresses)
    .set({
      customerId: to,
      // One default in her book: the survivor's, else the one the merged record had.
      isDefault: survivorHasDefault ? false : sql`${customerAddresses.isDefault}`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(customerAddresses.customerId, from),
        inArray(
          customerAddresses.id,
          moving.map((r) => r.id),
        ),
      ),
    );
  return { addresses: moving.map((r) => r.id), addressDefault: formerDefault };
}

/** Undo of a merge: the addresses it moved go back to the restored customer, her default as it was. */
export async function moveAddressesBack(
  tx: Executor,
  moved: Record<string, unknown>,
  survivorId: string,
  restoredId: string,
): Promise<void> {
  const ids = Array.isArray(moved.addresses) ? (moved.addresses as string[]) : [];
  if (!ids.length) return;
  const defaults = Array.isArray(moved.addressDefault) ? (moved.addressDefault as string[]) : [];
  await tx
    .update(customerAddresses)
    .set({
      customerId: restoredId,
      isDefault: defaults.length ? inArray(customerAddresses.id, defaults) : sql`false`,
      updatedAt: sql`now()`,
    })
    .where(and(inArray(customerAddresses.id, ids), eq(customerAddresses.customerId, survivorId)));
}
