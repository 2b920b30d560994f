import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { emitCustomersMerged } from './events.ts';
import { query, type Db, type Tx } from '../../platform/db/connection.ts';
import { inTransaction, sqlState } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { requireRole, requireStaff, type Principal, type StaffPrincipal } from '../../platform/auth.ts';
import { assertCustomerInContext, isCustomerInContext } from '../events/service.ts';
import { recordAudit } from '../../platform/audit.ts';
import { moveCustomerEvents, moveCustomerEventsBack, recordFact } from '../events/service.ts';
import { customerIdentifiers, customerMerges, customers, customerSessions, staffNotes } from './schema.ts';
import { customerViews, loadCustomer, type CustomerView } from './service.ts';
import { mergeAddresses, moveAddressesBack } from './addresses.ts';

/**
 * Exactly what a merge moved from the merged customer to the survivor, so that undo moves it back. Besides
 * identity's own rows, each merge step records the ids it moved under its own keys (loyalty: pointEntries,
 * pointLots, walletEntries; inventory: reservations).
 */
export type Moved = {
  identifiers: Array<{ kind: string; value: string }>;
  events: string[];
  notes: string[];
  /** The survivor had no password (registered at the till) and took the merged one's. */
  passwordFrom: boolean;
} & Record<string, string[] | boolean | Array<{ kind: string; value: string }>>;

/**
 * A higher module's part of a merge (its rows that belong to a person), handed in by the composition root:
 * customers ranks below loyalty and inventory, so it cannot call them. Both run in the merge's transaction.
 */
export interface MergeStep {
  /** Move the merged customer's rows to the survivor; returns the ids moved, by key (stored with the merge). */
  move(tx: Tx, from: string, to: string): Promise<Record<string, string[]>>;
  /**
   * Undo: move the rows recorded under its keys from the survivor back to the restored customer. Throws
   * `undoRefused` when they cannot go back (spent since the merge). `mergedAt` is when the merge happened.
   */
  moveBack(
    tx: Tx,
    moved: Record<string, unknown>,
    survivorId: string,
    restoredId: string,
    mergedAt: Date,
  ): Promise<void>;
  /**
   * After the merge (or its undo) is recorded — the merged record's `merged_into` as it now is — rows derived
   * from who is whom computed again (e.g. analytics' kept cohorts). Same transaction.
   */
  afterwards?(tx: Tx, survivorId: string, otherId: string): Promise<void>;
}

export interface MergeView {
  id: string;
  survivorId: string;
  mergedId: string;
  reason: string;
  staffId: string;
  createdAt: string;
  undoneAt: string | null;
  moved: Record<string, number>;
}

function counts(moved: Moved): Record<string, number> {
  return Object.fromEntries(
    Object.entries(moved)
      .filter(([, v]) => Array.isArray(v))
      .map(([k, v]) => [k, (v as unknown[]).length]),
  );
}

const mergeError = (reasonJa: string, reasonEn: string) =>
  new DomainError('customer.merge_invalid', { reasonJa, reasonEn });
/** The error a merge step throws when what it moved can no longer be given back. */
export const undoRefused = (reasonJa: string, reasonEn: string) =>
  new DomainError('customer.merge_not_undoable', { reasonJa, reasonEn });

/** Lock both customers in id order (two merges of the same pair in opposite directions cannot deadlock). */
async function lockPair(tx: Tx, a: string, b: string) {
  const [first, second] = [a, b].sort() as [string, string];
  const one = await loadCustomer(tx, first, { forUpdate: true });
  const two = await loadCustomer(tx, second, { forUpdate: true });
  return first === a ? ([one, two] as const) : ([two, one] as const);
}

async function moveNotes(tx: Tx, from: string, to: string): Promise<string[]> {
  const rows = await tx
    .update(staffNotes)
    .set({ customerId: to })
    .where(eq(staffNotes.customerId, from))
    .returning({ id: staffNotes.id });
  return rows.map((r) => r.id);
}

/**
 * Merge `otherId` into `survivorId` in one transaction: identifiers, timeline, points, wallet, holds, saved
 * addresses (not those she already has) and notes move to the survivor; the other becomes status 'merged' (its id keeps pointing at the survivor).
 * An audit row records who, when, why and exactly what moved.
 */
/**
 * A merge moves one member's points, wallet and identifiers to another, so a store manager merges (and
 * undoes, and reads the merges of) only customers who are both in context at her stores; head office any.
 */
async function assertMayMerge(db: Db, staff: StaffPrincipal, customerIds: string[]): Promise<void> {
  for (const id of customerIds) await assertCustomerInContext(db, staff, id);
}

export async function mergeCustomers(
  db: Db,
  actor: Principal,
  survivorId: string,
  input: { otherId: string; reason: string },
  steps: readonly MergeStep[],
): Promise<MergeView> {
  const staff = requireRole(actor, 'owner', 'hq', 'store_manager');
  await assertMayMerge(db, staff, [survivorId, input.otherId]);
  if (survivorId === input.otherId)
    throw mergeError('同じ会員同士は統合できません。', 'A customer cannot be merged into itself.');
  try {
    return await inTransaction(db, async (tx) => {
      const [survivor, other] = await lockPair(tx, survivorId, input.otherId);
      await recordAudit(tx, staff, {
        action: 'customer.merged',
        subjectType: 'customer',
        subjectId: survivorId,
        detail: { mergedId: input.otherId, reason: input.reason },
      });
      for (const c of [survivor, other]) {
        if (c.status !== 'active')
          throw new DomainError('customer.not_active', {
            customerId: c.id,
            customerStatus: c.status,
            mergedInto: c.mergedInto,
          });
      }
      const from = other.id;
      const to = survivor.id;
      const identifiers = await query<{ kind: string; value: string }>(
        tx,
        sql`UPDATE customer_identifiers SET customer_id = ${to} WHERE customer_id = ${from} RETURNING kind, value`,
      );
      const events = await moveCustomerEvents(tx, from, to);
      const stepsMoved: Record<string, string[]> = {};
      for (const step of steps) Object.assign(stepsMoved, await step.move(tx, from, to));
      const moved: Moved = {
        identifiers,
        events,
        ...stepsMoved,
        ...(await mergeAddresses(tx, from, to)),
        notes: await moveNotes(tx, from, to),
        passwordFrom: !survivor.passwordHash && !!other.passwordHash,
      };
      await tx
        .update(customers)
        .set({
          ...(moved.passwordFrom ? { passwordHash: other.passwordHash } : {}),
          birthday: survivor.birthday ?? other.birthday,
          nameKana: survivor.nameKana ?? other.nameKana,
          updatedAt: sql`now()`,
        })
        .where(eq(customers.id, to));
      await tx
        .update(customers)
        .set({ status: 'merged', mergedInto: to, updatedAt: sql`now()` })
        .where(eq(customers.id, from));
      for (const step of steps) await step.afterwards?.(tx, to, from);
      await tx
        .update(customerSessions)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(customerSessions.customerId, from), isNull(customerSessions.revokedAt)));
      const id = newId('mrg');
      await tx.insert(customerMerges).values({
        id,
        survivorId: to,
        mergedId: from,
        reason: input.reason,
        staffId: staff.staffId,
        moved: moved as unknown as Record<string, unknown>,
      });
      await emitCustomersMerged(tx, { survivorId: to, mergedId: from, mergeId: id });
      await recordFact(tx, {
        type: 'customers_merged',
        customerId: to,
        channel: 'store',
        source: staff.staffId,
        payload: { mergeId: id, mergedId: from, reason: input.reason },
      });
      return mergeView(await loadMerge(tx, id));
    });
  } catch (err) {
    // Both had an entry for the same order in the same ledger: merging would count it twice.
    if (sqlState(err) === '23505')
      throw mergeError(
        '両方の会員に同じ取引の記録があるため統合できません。',
        'Both customers have a ledger entry for the same reference.',
      );
    throw err;
  }
}

async function loadMerge(tx: Tx | Db, id: string) {
  const [row] = await tx.select().from(customerMerges).where(eq(customerMerges.id, id));
  if (!row) throw new DomainError('platform.not_found', { path: `merge ${id}` });
  return row;
}

function mergeView(row: typeof customerMerges.$inferSelect): MergeView {
  return {
    id: row.id,
    survivorId: row.survivorId,
    mergedId: row.mergedId,
    reason: row.reason,
    staffId: row.staffId,
    createdAt: row.createdAt.toISOString(),
    undoneAt: row.undoneAt?.toISOString() ?? null,
    moved: counts(row.moved as unknown as Moved),
  };
}

/**
 * Undo a merge: the merged customer is active again and gets back exactly what moved. Refused when the
 * survivor has since spent the moved points or wallet money (giving them back would leave the survivor's
 * ledger below zero) or has itself been merged away.
 */
export async function undoMerge(
  db: Db,
  actor: Principal,
  mergeId: string,
  steps: readonly MergeStep[],
): Promise<MergeView> {
  const staff = requireRole(actor, 'owner', 'hq', 'store_manager');
  const found = await loadMerge(db, mergeId);
  // Her timeline moved to the survivor with the merge, so the survivor is the one in context.
  await assertMayMerge(db, staff, [found.survivorId]);
  return inTransaction(db, async (tx) => {
    const merge = await loadMerge(tx, mergeId);
    const moved = merge.moved as unknown as Moved;
    if (merge.undoneAt)
      throw undoRefused('この統合はすでに取り消されています。', 'This merge has already been undone.');
    const [survivor, merged] = await lockPair(tx, merge.survivorId, merge.mergedId);
    if (survivor.status !== 'active' || merged.status !== 'merged' || merged.mergedInto !== survivor.id) {
      throw undoRefused(
        '統合後に会員の状態が変わったため取り消せません。',
        'The customers have changed since the merge.',
      );
    }
    const to = merged.id;
    await moveCustomerEventsBack(tx, moved.events, survivor.id, to);
    for (const step of steps) await step.moveBack(tx, moved, survivor.id, to, merge.createdAt);
    await moveAddressesBack(tx, moved, survivor.id, to);
    if (moved.notes.length)
      await tx
        .update(staffNotes)
        .set({ customerId: to })
        .where(and(inArray(staffNotes.id, moved.notes), eq(staffNotes.customerId, survivor.id)));
    for (const ident of moved.identifiers) {
      await tx
        .update(customerIdentifiers)
        .set({ customerId: to })
        .where(
          and(
            eq(customerIdentifiers.kind, ident.kind as never),
            eq(customerIdentifiers.value, ident.value),
            eq(customerIdentifiers.customerId, survivor.id),
          ),
        );
    }
    if (moved.passwordFrom) await tx.update(customers).set({ passwordHash: null }).where(eq(customers.id, survivor.id));
    await tx
      .update(customers)
      .set({ status: 'active', mergedInto: null, updatedAt: sql`now()` })
      .where(eq(customers.id, to));
    for (const step of steps) await step.afterwards?.(tx, survivor.id, to);
    await tx
      .update(customerMerges)
      .set({ undoneAt: sql`now()`, undoneBy: staff.staffId })
      .where(eq(customerMerges.id, mergeId));
    await recordFact(tx, {
      type: 'customers_unmerged',
      customerId: survivor.id,
      channel: 'store',
      source: staff.staffId,
      payload: { mergeId, restoredId: to },
    });
    return mergeView(await loadMerge(tx, mergeId));
  });
}

export async function listMerges(db: Db, actor: Principal, customerId: string): Promise<MergeView[]> {
  const staff = requireRole(actor, 'owner', 'hq', 'store_manager');
  await assertMayMerge(db, staff, [customerId]);
  const rows = await db
    .select()
    .from(customerMerges)
    .where(sql`${customerMerges.survivorId} = ${customerId} OR ${customerMerges.mergedId} = ${customerId}`)
    .orderBy(sql`${customerMerges.createdAt} DESC`);
  return rows.map(mergeView);
}

export interface DuplicatePair {
  a: CustomerView;
  b: CustomerView;
  reasons: string[];
}

/**
 * Suggested duplicates: active customers with the same name (or reading) and the same birthday, or the
 * same name and the same phone number's last 8 digits written differently (a landline vs a mobile
 * typed at the till). Normalised identifiers themselves are unique, so exact e-mail/phone twins cannot exist.
 */
export async function findDuplicates(
  db: Db,
  actor: Principal,
  opts: { customerId?: string | undefined; limit: number },
): Promise<DuplicatePair[]> {
  const staff = requireRole(actor, 'owner', 'hq', 'store_manager');
  if (opts.customerId) await assertMayMerge(db, staff, [opts.customerId]);
  const only = opts.customerId ? sql`AND (a.id = ${opts.customerId} OR b.id = ${opts.customerId})` : sql``;
  const rows = await query<{ a: string; b: string; same_name: boolean; same_kana: boolean; same_birthday: boolean }>(
    db,
    sql`SELECT a.id AS a, b.id AS b,
               split_part(a.search_key, ' ', 1) = split_part(b.search_key, ' ', 1) AS same_name,
               split_part(a.search_key, ' ', 2) <> '' AND split_part(a.search_key, ' ', 2) = split_part(b.search_key, ' ', 2) AS same_kana,
               a.birthday = b.birthday AS same_birthday
          FROM customers a
          JOIN customers b ON a.id < b.id AND b.status = 'active' AND a.birthday = b.birthday
           AND (split_part(a.search_key, ' ', 1) = split_part(b.search_key, ' ', 1)
                OR (split_part(a.search_key, ' ', 2) <> '' AND split_part(a.search_key, ' ', 2) = split_part(b.search_key, ' ', 2)))
         WHERE a.status = 'active' AND a.search_key <> '' ${only}
         ORDER BY a.id, b.id
         LIMIT ${opts.limit}`,
  );
  const ids = [...new Set(rows.flatMap((r) => [r.a, r.b]))];
  // A store manager is shown only pairs of her own customers: each suggestion is two full profiles.
  const visible = new Set<string>();
  for (const id of ids) if (await isCustomerInContext(db, staff, id)) visible.add(id);
  const views = new Map((await customerViews(db, [...visible])).map((v) => [v.id, v]));
  return rows
    .filter((r) => visible.has(r.a) && visible.has(r.b))
    .map((r) => ({
      a: views.get(r.a)!,
      b: views.get(r.b)!,
      reasons: [
        r.same_name ? 'same_name' : null,
        r.same_kana ? 'same_kana' : null,
        r.same_birthday ? 'same_birthday' : null,
      ].filter((x): x is string => !!x),
    }));
}
