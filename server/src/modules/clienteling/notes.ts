import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { assertCanActAt, requireStaff, type Principal } from '../../platform/auth.ts';
import { getLocation } from '../locations/service.ts';
// The rows are identity's (merges and deletion move and erase them); who may write and read notes, and
// how they are shown, is the clienteling card's business.
import { insertStaffNote, loadCustomer, staffNotesOf, type StaffNoteRow } from '../customers/service.ts';
import { staffNames } from '../staff/service.ts';
import { assertCustomerInContext } from '../events/service.ts';

export interface StaffNote {
  id: string;
  customerId: string;
  body: string;
  staffId: string;
  staffName: string | null;
  locationId: string | null;
  createdAt: string;
}

/** The notes with the names of the staff who wrote them (one read of the staff, not a join). */
async function withNames(db: Db, rows: StaffNoteRow[]): Promise<StaffNote[]> {
  const names = await staffNames(db, [...new Set(rows.map((r) => r.staffId))]);
  return rows.map((r) => ({ ...r, staffName: names.get(r.staffId) ?? null, createdAt: r.createdAt.toISOString() }));
}

/** A clerk leaves a note on a member ("prefers size M", "allergic to wool"); with a store, one they work in. */
export async function addNote(
  db: Db,
  actor: Principal,
  customerId: string,
  input: { body: string; locationId?: string | undefined },
): Promise<StaffNote> {
  const staff = input.locationId ? assertCanActAt(actor, input.locationId) : requireStaff(actor);
  if (input.locationId) await getLocation(db, input.locationId);
  await loadCustomer(db, customerId, { active: true });
  // created_at to the millisecond (not now()'s microseconds), so the page cursor compares exactly.
  const row = await insertStaffNote(db, {
    id: newId('note'),
    customerId,
    staffId: staff.staffId,
    locationId: input.locationId ?? null,
    body: input.body.normalize('NFKC').trim(),
    createdAt: new Date(),
  });
  return (await withNames(db, [row]))[0]!;
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = at ? new Date(at) : undefined;
  if (!date || Number.isNaN(date.getTime()) || !id)
    throw new DomainError('platform.validation', {}, [{ field: 'cursor', message: 'bad_cursor' }]);
  return { at: date, id };
}

/** A member's notes, newest first, in pages (staff only). */
export async function listNotes(
  db: Db,
  actor: Principal,
  customerId: string,
  q: { limit: number; cursor?: string | undefined },
): Promise<{ items: StaffNote[]; nextCursor: string | null }> {
  await loadCustomer(db, customerId);
  // Writing a note discloses nothing; reading them is for staff who have her in front of them.
  await assertCustomerInContext(db, actor, customerId);
  const after = q.cursor ? decodeCursor(q.cursor) : undefined;
  const rows = await staffNotesOf(db, customerId, { limit: q.limit + 1, after });
  const page = await withNames(db, rows.slice(0, q.limit));
  const last = page[page.length - 1];
  return {
    items: page,
    nextCursor:
      rows.length > q.limit && last ? Buffer.from(`${last.createdAt}|${last.id}`).toString('base64url') : null,
  };
}
