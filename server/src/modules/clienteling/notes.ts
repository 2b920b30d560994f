import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { assertCanActAt, requireStaff, type Principal } from '../../platform/auth.ts';
import { getLocation } from '../locations/service.ts';
import { loadCustomer, staffNotes } from '../customers/service.ts';
// staff_notes is declared with the customers' tables (merges and deletion move and erase it there);
// reading and writing notes is the clienteling card's business, so the functions live here.
import { staffUsers } from '../staff/service.ts';

export interface StaffNote {
  id: string;
  customerId: string;
  body: string;
  staffId: string;
  staffName: string | null;
  locationId: string | null;
  createdAt: string;
}

const columns = {
  id: staffNotes.id,
  customerId: staffNotes.customerId,
  body: staffNotes.body,
  staffId: staffNotes.staffId,
  staffName: staffUsers.name,
  locationId: staffNotes.locationId,
  createdAt: staffNotes.createdAt,
};

const view = (r: {
  id: string;
  customerId: string;
  body: string;
  staffId: string;
  staffName: string | null;
  locationId: string | null;
  createdAt: Date;
}): StaffNote => ({
  ...r,
  createdAt: r.createdAt.toISOString(),
});

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
  const id = newId('note');
  // created_at to the millisecond (not now()'s microseconds), so the page cursor compares exactly.
  await db.insert(staffNotes).values({
    id,
    customerId,
    staffId: staff.staffId,
    locationId: input.locationId ?? null,
    body: input.body.normalize('NFKC').trim(),
    createdAt: new Date(),
  });
  const [row] = await db
    .select(columns)
    .from(staffNotes)
    .leftJoin(staffUsers, eq(staffUsers.id, staffNotes.staffId))
    .where(eq(staffNotes.id, id));
  return view(row!);
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
  requireStaff(actor);
  await loadCustomer(db, customerId);
  const after = q.cursor ? decodeCursor(q.cursor) : undefined;
  const rows = await db
    .select(columns)
    .from(staffNotes)
    .leftJoin(staffUsers, eq(staffUsers.id, staffNotes.staffId))
    .where(
      and(
        eq(staffNotes.customerId, customerId),
        after
          ? or(lt(staffNotes.createdAt, after.at), and(eq(staffNotes.createdAt, after.at), lt(staffNotes.id, after.id)))
          : sql`true`,
      ),
    )
    .orderBy(desc(staffNotes.createdAt), desc(staffNotes.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit).map(view);
  const last = page[page.length - 1];
  return {
    items: page,
    nextCursor:
      rows.length > q.limit && last ? Buffer.from(`${last.createdAt}|${last.id}`).toString('base64url') : null,
  };
}
