import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import { emitCustomerDeleted } from './events.ts';
import { query, type Db, type Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { auditActor, requireRole, requireStaff, type Principal } from '../../platform/auth.ts';
import { recordAudit } from '../../platform/audit.ts';
import { eraseCustomerEvents, exportCustomerEvents } from '../events/service.ts';
import {
  customerConsents,
  customerIdentifiers,
  customerMerges,
  customers,
  customerSessions,
  passwordResetCodes,
  personalDataRequests,
  staffNotes,
} from './schema.ts';
import { consentsOf } from './consents.ts';
import { exportPosition, forgetPosition } from './positions.ts';
import { exportAddresses, forgetAddresses } from './addresses.ts';
import { customerView, loadCustomer, personIds } from './service.ts';
import { exportSessions } from './sessions.ts';
import { verifyPassword } from '../../platform/passwords.ts';

/**
 * A higher module's sections of a personal data export (loyalty: points and wallet), handed in by the
 * composition root: customers ranks below the modules that keep ledgers per person, so it cannot call them.
 */
export type ExportSource = (db: Executor, customerId: string) => Promise<Record<string, unknown>>;

/**
 * A higher module's part of erasure (orders: delivery addresses; notifications: inbox and messages), run
 * in the deletion's transaction before her identifiers go; returns what it erased, counted by kind.
 * Every module that keeps a personal column adds its export source and erase step in server.ts, and
 * classifies the column in server/src/test/personal-columns.ts (the test fails otherwise).
 */
export type EraseStep = (tx: Executor, customerId: string) => Promise<Record<string, number>>;

/**
 * APPI / GDPR: a complete copy of what Musubi holds about a person (disclosure, 開示請求), and erasure
 * (利用停止・消去). Both are logged in personal_data_requests whoever runs them.
 */
export async function exportCustomer(db: Db, actor: Principal, customerId: string, sources: readonly ExportSource[]) {
  // Her copy, or head office's on her request: a store's staff export nobody (docs/security.md).
  if (!(actor.kind === 'customer' && actor.customerId === customerId)) requireRole(actor, 'owner', 'hq');
  return inTransaction(db, async (tx) => {
    const row = await loadCustomer(tx, customerId);
    if (row.status === 'deleted')
      throw new DomainError('customer.not_active', { customerId, customerStatus: row.status });
    await tx
      .insert(personalDataRequests)
      .values({ id: newId('pdr'), customerId, kind: 'export', actor: auditActor(actor) });
    if (actor.kind === 'staff')
      await recordAudit(tx, actor, { action: 'customer.exported', subjectType: 'customer', subjectId: customerId });
    const identifiers = await tx
      .select()
      .from(customerIdentifiers)
      .where(eq(customerIdentifiers.customerId, customerId))
      .orderBy(asc(customerIdentifiers.kind));
    const events = await exportCustomerEvents(tx, customerId);
    const sections: Record<string, unknown> = {};
    for (const source of sources) Object.assign(sections, await source(tx, customerId));
    const notes = await tx
      .select()
      .from(staffNotes)
      .where(eq(staffNotes.customerId, customerId))
      .orderBy(asc(staffNotes.createdAt));
    const merges = await tx
      .select()
      .from(customerMerges)
      .where(sql`${customerMerges.survivorId} = ${customerId} OR ${customerMerges.mergedId} = ${customerId}`);
    const requests = await tx
      .select()
      .from(personalDataRequests)
      .where(eq(personalDataRequests.customerId, customerId))
      .orderBy(asc(personalDataRequests.at));
    return {
      exportedAt: new Date().toISOString(),
      profile: await customerView(tx, customerId),
      identifiers: identifiers.map((i) => ({ kind: i.kind, value: i.value, since: i.createdAt.toISOString() })),
      events,
      ...sections,
      consents: await consentsOf(tx, customerId),
      // Her last reported position, if she agreed to location and reported one in the last days.
      position: await exportPosition(tx, customerId),
      // Her address book (お届け先), the merged records' too.
      addresses: await exportAddresses(tx, await personIds(tx, customerId)),
      staffNotes: notes.map((n) => ({ body: n.body, locationId: n.locationId, at: n.createdAt.toISOString() })),
      merges: merges.map((m) => ({
        id: m.id,
        survivorId: m.survivorId,
        mergedId: m.mergedId,
        reason: m.reason,
        at: m.createdAt.toISOString(),
        undoneAt: m.undoneAt?.toISOString() ?? null,
      })),
      requests: requests.map((r) => ({ kind: r.kind, actor: r.actor, at: r.at.toISOString() })),
      // Where she signed in from (device, address), ended sessions too; never the token or its hash.
      sessions: await exportSessions(tx, await personIds(tx, customerId)),
    };
  });
}

/**
 * Delete a person: they can no longer log in; name, reading, birthday, password, identifiers, timeline,
 * notes and consents are erased. The points and wallet ledgers and sales stay for accounting, under the
 * customer id, which no longer leads to a person (pseudonym). The customer confirms with their password;
 * staff need owner or hq and give a reason.
 */
export async function deleteCustomer(
  db: Db,
  actor: Principal,
  customerId: string,
  confirm: { password?: string | undefined; reason?: string | undefined },
  steps: readonly EraseStep[] = [],
) {
  if (actor.kind === 'customer') {
    if (actor.customerId !== customerId) throw new DomainError('platform.forbidden');
  } else {
    requireRole(actor, 'owner', 'hq');
    if (!confirm.reason?.trim())
      throw new DomainError('platform.validation', {}, [{ field: 'reason', message: 'reason_required' }]);
  }
  const row = await loadCustomer(db, customerId, { active: true });
  if (
    actor.kind === 'customer' &&
    row.passwordHash &&
    !(await verifyPassword(confirm.password ?? '', row.passwordHash))
  ) {
    throw new DomainError('auth.invalid_credentials');
  }
  return inTransaction(db, async (tx) => {
    await loadCustomer(tx, customerId, { active: true, forUpdate: true });
    const parts: Record<string, number> = {};
    for (const step of steps) Object.assign(parts, await step(tx, customerId));
    Object.assign(parts, await erasePlatformTraces(tx, customerId));
    // She and the records merged into her: a merge moves identifiers, timeline and notes, not everything.
    const people = await personIds(tx, customerId);
    const identifiers = await tx
      .delete(customerIdentifiers)
      .where(inArray(customerIdentifiers.customerId, people))
      .returning({ kind: customerIdentifiers.kind });
    let events = 0;
    for (const id of people) events += await eraseCustomerEvents(tx, id);
    await tx.delete(staffNotes).where(inArray(staffNotes.customerId, people));
    await tx.delete(customerConsents).where(inArray(customerConsents.customerId, people));
    await forgetPosition(tx, people);
    await forgetAddresses(tx, people);
    await tx.delete(passwordResetCodes).where(inArray(passwordResetCodes.customerId, people));
    await tx.delete(customerSessions).where(inArray(customerSessions.customerId, people));
    // A merge's reason is staff's free text about her (in the merge record and the audit trail); the record
    // of who merged what, when, stays.
    await tx
      .update(customerMerges)
      .set({ reason: '' })
      .where(or(inArray(customerMerges.survivorId, people), inArray(customerMerges.mergedId, people)));
    await query(
      tx,
      sql`UPDATE audit_log SET detail = detail - 'reason'
           WHERE action = 'customer.merged' AND detail->>'reason' IS NOT NULL
             AND (subject_id IN ${people} OR detail->>'mergedId' IN ${people})`,
    );
    // The merged-away records keep pointing at the pseudonym only.
    await tx
      .update(customers)
      .set({ name: null, nameKana: null, searchKey: '', birthday: null, passwordHash: null, pinHash: null })
      .where(and(inArray(customers.id, people), eq(customers.status, 'merged')));
    await tx
      .update(customers)
      .set({
        status: 'deleted',
        name: null,
        nameKana: null,
        searchKey: '',
        birthday: null,
        passwordHash: null,
        pinHash: null,
        homeLocationId: null,
        deletedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(eq(customers.id, customerId));
    await tx
      .insert(personalDataRequests)
      .values({ id: newId('pdr'), customerId, kind: 'delete', actor: auditActor(actor) });
    if (actor.kind === 'staff')
      await recordAudit(tx, actor, { action: 'customer.deleted', subjectType: 'customer', subjectId: customerId });
    const deletedAt = new Date().toISOString();
    await emitCustomerDeleted(tx, customerId, people, deletedAt);
    return {
      customerId,
      deletedAt,
      erased: { identifiers: identifiers.length, events, ...parts },
    };
  });
}

/**
 * Platform tables that hold her by address or principal: guessing counters keyed by her e-mail or phone,
 * and stored idempotent answers about her (they repeat her order, address included), hers or staff's.
 */
async function erasePlatformTraces(tx: Executor, customerId: string): Promise<Record<string, number>> {
  const counters = await query(
    tx,
    sql`DELETE FROM login_attempts a USING customer_identifiers i
         WHERE i.customer_id = ${customerId} AND position(i.value IN a.key) > 0 RETURNING a.key`,
  );
  const answers = await query(
    tx,
    sql`DELETE FROM idempotency_keys
         WHERE principal = ${`customer:${customerId}`} OR position(${customerId}::text IN coalesce(response_body, '')) > 0
         RETURNING key`,
  );
  return { loginCounters: counters.length, storedAnswers: answers.length };
}
