import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import { perExecutor } from '../../platform/db/prepared.ts';
import { sqlState } from '../../platform/db/tx.ts';
import { DomainError, type FieldError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { claimDeviceEvents } from '../events/service.ts';
import { customerIdentifiers, customers, type IdentifierKind, type Tier } from './schema.ts';
import { makeMemberNumber, nameSearchKey, normalizeIdentifier } from './normalize.ts';
import { identifierKindJa } from './problems.ts';
import { emitCustomerChanged } from './events.ts';

export interface CustomerView {
  id: string;
  memberNumber: string;
  name: string | null;
  nameKana: string | null;
  birthday: string | null;
  email: string | null;
  phone: string | null;
  tier: Tier;
  status: 'active' | 'merged' | 'deleted';
  mergedInto: string | null;
  homeLocationId: string | null;
  createdAt: string;
}

export interface NewCustomer {
  email?: string | undefined;
  phone?: string | undefined;
  name: string;
  nameKana?: string | undefined;
  birthday?: string | undefined;
  passwordHash?: string | null | undefined;
  cardNumber?: string | undefined;
  homeLocationId?: string | undefined;
  /** Who created it (audit): 'customer' or a staff id. */
  source: string;
}

/** Normalise identifiers, or a 400 naming each bad field. */
export function normalizeAll(
  fields: Array<[field: string, kind: IdentifierKind, value: string | undefined]>,
): Array<[IdentifierKind, string]> {
  const out: Array<[IdentifierKind, string]> = [];
  const errors: FieldError[] = [];
  for (const [field, kind, value] of fields) {
    if (value === undefined || value === '') continue;
    const normalized = normalizeIdentifier(kind, value);
    if (normalized === null)
      errors.push({
        field,
        message: kind === 'phone' ? 'invalid_phone' : kind === 'email' ? 'invalid_email' : 'invalid_format',
      });
    else out.push([kind, normalized]);
  }
  if (errors.length) throw new DomainError('platform.validation', {}, errors);
  return out;
}

/** Attach identifiers to a customer; 409 when one belongs to somebody else. */
export async function addIdentifiers(
  tx: Executor,
  customerId: string,
  identifiers: Array<[IdentifierKind, string]>,
): Promise<void> {
  for (const [kind, value] of identifiers) {
    const [owner] = await tx
      .select({ customerId: customerIdentifiers.customerId })
      .from(customerIdentifiers)
      .where(and(eq(customerIdentifiers.kind, kind), eq(customerIdentifiers.value, value)));
    if (owner && owner.customerId !== customerId)
      throw new DomainError('customer.identifier_taken', { kind, reasonKindJa: identifierKindJa[kind] });
    if (owner) continue;
    try {
      await tx.insert(customerIdentifiers).values({ kind, value, customerId });
    } catch (err) {
      if (sqlState(err) === '23505')
        throw new DomainError('customer.identifier_taken', { kind, reasonKindJa: identifierKindJa[kind] });
      throw err;
    }
  }
}

/** Create a customer with the next member number; returns its id. Call inside a transaction. */
export async function createCustomer(tx: Executor, input: NewCustomer): Promise<string> {
  const identifiers = normalizeAll([
    ['email', 'email', input.email],
    ['phone', 'phone', input.phone],
    ['cardNumber', 'card', input.cardNumber],
  ]);
  const id = newId('cus');
  const [seq] = await query<{ n: string }>(tx, sql`SELECT nextval('member_number_seq') AS n`);
  const memberNumber = makeMemberNumber(Number(seq!.n));
  await tx.insert(customers).values({
    id,
    memberNumber,
    name: input.name.normalize('NFKC').trim(),
    nameKana: input.nameKana?.normalize('NFKC').trim() || null,
    searchKey: nameSearchKey(input.name, input.nameKana),
    birthday: input.birthday ?? null,
    passwordHash: input.passwordHash ?? null,
    homeLocationId: input.homeLocationId ?? null,
  });
  await addIdentifiers(tx, id, [['member_number', memberNumber], ...identifiers]);
  await emitCustomerChanged(tx, 'customer.created', id, () => customerView(tx, id));
  return id;
}

/**
 * This device belongs to this customer from now on: its earlier anonymous events join their timeline,
 * and events that arrive later for it are stitched on ingest. A device that changes hands (a shared
 * tablet) moves to the new owner; what it did before stays with the old one.
 */
export async function linkDevice(tx: Executor, customerId: string, deviceInput: string): Promise<void> {
  const [[, deviceId]] = normalizeAll([['deviceId', 'device', deviceInput]]) as [[IdentifierKind, string]];
  await tx
    .insert(customerIdentifiers)
    .values({ kind: 'device', value: deviceId, customerId })
    .onConflictDoUpdate({ target: [customerIdentifiers.kind, customerIdentifiers.value], set: { customerId } });
  await claimDeviceEvents(tx, deviceId, customerId);
}

/** Put the customer in this tier (loyalty decides which; identity keeps it on the person). */
export async function setTier(tx: Executor, customerId: string, tier: Tier): Promise<void> {
  await tx
    .update(customers)
    .set({ tier, updatedAt: sql`now()` })
    .where(eq(customers.id, customerId));
}

/** The customer a normalised identifier belongs to (following merges to the survivor). */
export async function customerIdByIdentifier(
  db: Executor,
  kind: IdentifierKind,
  value: string,
): Promise<string | null> {
  const normalized = normalizeIdentifier(kind, value);
  if (!normalized) return null;
  const [row] = await db
    .select({ id: customerIdentifiers.customerId })
    .from(customerIdentifiers)
    .where(and(eq(customerIdentifiers.kind, kind), eq(customerIdentifiers.value, normalized)));
  return row?.id ?? null;
}

/** Who holds each of these identifier values (e-mail addresses, LINE user ids …), as name and member number. */
export async function customersByIdentifiers(
  db: Executor,
  kind: IdentifierKind,
  values: string[],
): Promise<Map<string, { id: string; name: string | null; memberNumber: string }>> {
  if (!values.length) return new Map();
  const rows = await db
    .select({
      value: customerIdentifiers.value,
      id: customers.id,
      name: customers.name,
      memberNumber: customers.memberNumber,
    })
    .from(customerIdentifiers)
    .innerJoin(customers, eq(customers.id, customerIdentifiers.customerId))
    .where(and(eq(customerIdentifiers.kind, kind), inArray(customerIdentifiers.value, [...new Set(values)])));
  return new Map(rows.map((r) => [r.value, { id: r.id, name: r.name, memberNumber: r.memberNumber }]));
}

/** How a member is named on an order, a receipt or a board: name, kana, member number, tier. */
export interface MemberCard {
  name: string | null;
  nameKana: string | null;
  memberNumber: string;
  tier: Tier;
}

/** The member cards of these customers, by id (one statement; an unknown id is left out). */
export async function memberCards(db: Executor, ids: readonly string[]): Promise<Map<string, MemberCard>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await db
    .select({
      id: customers.id,
      name: customers.name,
      nameKana: customers.nameKana,
      memberNumber: customers.memberNumber,
      tier: customers.tier,
    })
    .from(customers)
    .where(inArray(customers.id, unique));
  return new Map(rows.map(({ id, ...card }) => [id, card]));
}

const viewOf = (r: typeof customers.$inferSelect, email: string | null, phone: string | null): CustomerView => ({
  id: r.id,
  memberNumber: r.memberNumber,
  name: r.name,
  nameKana: r.nameKana,
  birthday: r.birthday,
  email,
  phone,
  tier: r.tier,
  status: r.status,
  mergedInto: r.mergedInto,
  homeLocationId: r.homeLocationId,
  createdAt: r.createdAt.toISOString(),
});

export async function customerViews(db: Executor, ids: string[]): Promise<CustomerView[]> {
  if (!ids.length) return [];
  const rows = await db.select().from(customers).where(inArray(customers.id, ids));
  const idents = await db
    .select()
    .from(customerIdentifiers)
    .where(and(inArray(customerIdentifiers.customerId, ids), inArray(customerIdentifiers.kind, ['email', 'phone'])));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const identifier = (id: string, kind: IdentifierKind) =>
    idents.find((i) => i.customerId === id && i.kind === kind)?.value ?? null;
  return ids
    .map((id) => byId.get(id))
    .filter((r) => !!r)
    .map((r) => viewOf(r, identifier(r.id, 'email'), identifier(r.id, 'phone')));
}

const identifierOf = (kind: IdentifierKind) =>
  sql<
    string | null
  >`(SELECT i.value FROM customer_identifiers i WHERE i.customer_id = ${customers.id} AND i.kind = ${sql.raw(`'${kind}'`)} LIMIT 1)`;
// A login's one read (built once per handle): who has this e-mail, her password hash, and her view.
const byEmail = perExecutor((db) =>
  db
    .select({ customer: customers, email: identifierOf('email'), phone: identifierOf('phone') })
    .from(customerIdentifiers)
    .innerJoin(customers, eq(customers.id, customerIdentifiers.customerId))
    .where(and(eq(customerIdentifiers.kind, 'email'), eq(customerIdentifiers.value, sql.placeholder('email'))))
    .prepare('customer_by_email'),
);

/** The customer with this (normalised) e-mail: her password hash (null: none set) and her view. */
export async function customerByEmail(
  db: Executor,
  email: string,
): Promise<{ passwordHash: string | null; view: CustomerView } | undefined> {
  const [row] = await byEmail(db).execute({ email });
  return row && { passwordHash: row.customer.passwordHash, view: viewOf(row.customer, row.email, row.phone) };
}

export async function customerView(db: Executor, id: string): Promise<CustomerView> {
  const [view] = await customerViews(db, [id]);
  if (!view) throw new DomainError('customer.not_found', { customerId: id });
  return view;
}

// Read on every request of a signed-in shopper (her cart's view, checkout): built once per handle (the
// database, a transaction) and sent as a named statement, not rebuilt by Drizzle each time.
const customerById = perExecutor((db) =>
  db
    .select()
    .from(customers)
    .where(eq(customers.id, sql.placeholder('id')))
    .prepare('customer_by_id'),
);
const customerForUpdate = perExecutor((db) =>
  db
    .select()
    .from(customers)
    .where(eq(customers.id, sql.placeholder('id')))
    .for('update')
    .prepare('customer_by_id_for_update'),
);

/** The customer row, or 404. With `active`, a merged or deleted customer is 409 naming what happened. */
export async function loadCustomer(db: Executor, id: string, opts: { active?: boolean; forUpdate?: boolean } = {}) {
  const [row] = await (opts.forUpdate ? customerForUpdate(db) : customerById(db)).execute({ id });
  if (!row) throw new DomainError('customer.not_found', { customerId: id });
  if (opts.active && row.status !== 'active')
    throw new DomainError('customer.not_active', {
      customerId: id,
      customerStatus: row.status,
      mergedInto: row.mergedInto,
    });
  return row;
}

/**
 * She and every record merged into her, directly or through another merge: whose rows are hers in a
 * personal data export or erasure (a merge moves identifiers, timeline and ledgers, but orders, carts and
 * the inbox keep the merged record's id).
 */
export async function personIds(db: Executor, customerId: string): Promise<string[]> {
  const rows = await query<{ id: string }>(db, personIdsSql(customerId));
  return rows.map((r) => r.id);
}

/**
 * `column` is one of her ids (personIds), as an SQL condition: hers read in the same round trip. The ids are
 * an array computed once (an init plan), so the column's index is used as with a list of literals.
 */
export function ofPerson(column: SQL, customerId: string): SQL {
  return sql`${column} = ANY(ARRAY(${personIdsSql(customerId)}))`;
}

/** personIds as a statement of one column, `id`. */
function personIdsSql(customerId: string): SQL {
  return sql`WITH RECURSIVE person(id) AS (
          SELECT ${customerId}::text
          UNION SELECT c.id FROM customers c JOIN person p ON c.merged_into = p.id
        ) SELECT id FROM person`;
}

export {
  memberCodeKey,
  issueMemberCode,
  verifyMemberCode,
  WINDOW_SECONDS,
  type IssuedCode,
  type MemberCodeKey,
  type VerifiedCode,
} from './member-code.ts';
export { undoRefused, type MergeStep, type Moved } from './merge.ts';
export { defaultAddressOf, type SavedAddress } from './addresses.ts';
export type { EraseStep, ExportSource } from './privacy.ts';
export { hasConsent, recordConsents, type ConsentChange } from './consents.ts';
export {
  reportPosition,
  purgePositions,
  lastPositionsSql,
  PositionLimiter,
  POSITION_KEEP_DAYS,
  POSITION_EVERY_SECONDS,
  type Position,
} from './positions.ts';
export { luhnDigit, normalizeEmail, normalizeIdentifier } from './normalize.ts';
export { insertStaffNote, staffNotesOf, type StaffNoteRow } from './notes.ts';
export { tiers, identifierKinds, type Tier, type IdentifierKind, type ConsentChannel } from './schema.ts';
export { customerTokenResolver } from './auth.ts';
export { lineLoginRoutes } from './line-login-routes.ts';
export type { LineLoginOptions } from './line-login.ts';
export {
  clearPin,
  hasPin,
  issuePresence,
  maskEmail,
  presenceMethods,
  provePresenceByCode,
  provePresenceByPin,
  sendPresenceCode,
  setPin,
  verifyPresence,
  PRESENCE_MINUTES,
  type Presence,
  type PresenceMethod,
  type PresenceScope,
} from './presence.ts';
export {
  membersSql,
  nonMembersSql,
  marketingConsentSql,
  contactSql,
  survivorsSql,
  personsOfSql,
  recordsOfSql,
} from './audience.ts';
