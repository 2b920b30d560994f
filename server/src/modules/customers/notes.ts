import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connection.ts';
import { staffNotes } from './schema.ts';

/**
 * Staff notes on a person ("prefers size M"). The rows are identity's (a merge moves them, deletion
 * erases them); who may write and read them, and how they are shown, is the clienteling card's.
 */
export interface StaffNoteRow {
  id: string;
  customerId: string;
  body: string;
  staffId: string;
  locationId: string | null;
  createdAt: Date;
}

export async function insertStaffNote(db: Executor, note: StaffNoteRow): Promise<StaffNoteRow> {
  const [row] = await db.insert(staffNotes).values(note).returning();
  return row!;
}

/** A person's notes, newest first, after a (createdAt, id) position; `limit` rows at most. */
export async function staffNotesOf(
  db: Executor,
  customerId: string,
  q: { limit: number; after?: { at: Date; id: string } | undefined },
): Promise<StaffNoteRow[]> {
  const { after } = q;
  return db
    .select()
    .from(staffNotes)
    .where(
      and(
        eq(staffNotes.customerId, customerId),
        after
          ? or(lt(staffNotes.createdAt, after.at), and(eq(staffNotes.createdAt, after.at), lt(staffNotes.id, after.id)))
          : sql`true`,
      ),
    )
    .orderBy(desc(staffNotes.createdAt), desc(staffNotes.id))
    .limit(q.limit);
}
