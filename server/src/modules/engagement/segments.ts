import { desc, eq, sql, type SQL } from 'drizzle-orm';
import { query, type Db, type Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import type { Principal } from '../../platform/auth.ts';
import { recordAudit } from '../../platform/audit.ts';
import { toCsv } from '../../platform/csv.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { purchaseFactsSql } from '../orders/service.ts';
import { membersSql } from '../customers/service.ts';
import { campaigns, segments } from './schema.ts';
import { compileSegment, compileSegmentIds, RFM_DAYS, segmentIdsSettings } from './segment-sql.ts';
import type { SegmentRules } from './segment-rules.ts';
import {
  assertCanSee,
  homeStoresOf,
  requireHeadOffice,
  requireMarketer,
  scopeToRecord,
  visibleSql,
  type Marketer,
} from './scope.ts';
import './problems.ts';

/*
 * Head office (owner, hq) makes, reads and previews every segment; a store manager her stores' own, whose
 * members are always held to her stores' members (scope.ts). Exporting members is head office's.
 */

export interface SegmentView {
  id: string;
  name: string;
  description: string;
  rules: SegmentRules;
  /** The stores whose members it may hold (by home store); null: head office's, every member. */
  storeScope: string[] | null;
  createdAt: string;
  updatedAt: string;
}

export interface SegmentMember {
  id: string;
  memberNumber: string;
  name: string | null;
  nameKana: string | null;
  tier: string;
}

export interface SegmentPreview {
  count: number;
  sample: SegmentMember[];
}

const view = (s: typeof segments.$inferSelect): SegmentView => ({
  id: s.id,
  name: s.name,
  description: s.description,
  rules: s.rules,
  storeScope: s.storeScope ?? null,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

/** The segments she may use: every one for head office, her stores' for a store manager. */
export async function listSegments(db: Executor, actor: Principal): Promise<SegmentView[]> {
  const m = requireMarketer(actor);
  return (
    await db
      .select()
      .from(segments)
      .where(visibleSql(m, segments.storeScope))
      .orderBy(desc(segments.updatedAt), segments.id)
  ).map(view);
}

/** A segment's row if she may see it (404 when there is none, 403 when it is another store's or head office's). */
export async function loadSegment(db: Executor, m: Marketer, id: string) {
  const [row] = await db.select().from(segments).where(eq(segments.id, id));
  if (!row) throw new DomainError('engagement.segment_not_found', { id });
  assertCanSee(m, row.storeScope, 'segment');
  return row;
}

export async function getSegment(db: Executor, actor: Principal, id: string): Promise<SegmentView> {
  return view(await loadSegment(db, requireMarketer(actor), id));
}

export async function createSegment(
  db: Db,
  actor: Principal,
  input: {
    name: string;
    description?: string | undefined;
    rules: SegmentRules;
    storeScope?: string[] | null | undefined;
  },
): Promise<SegmentView> {
  const m = requireMarketer(actor);
  const storeScope = await scopeToRecord(db, m, input.storeScope);
  await compileSegment(db, input.rules); // a store named in a rule must exist: 404 before anything is saved
  const [row] = await db
    .insert(segments)
    .values({
      id: newId('seg'),
      name: input.name,
      description: input.description ?? '',
      rules: input.rules,
      storeScope,
      createdBy: m.staff.staffId,
    })
    .returning();
  return view(row!);
}

export async function updateSegment(
  db: Db,
  actor: Principal,
  id: string,
  patch: { name?: string | undefined; description?: string | undefined; rules?: SegmentRules | undefined },
): Promise<SegmentView> {
  await loadSegment(db, requireMarketer(actor), id);
  if (patch.rules) await compileSegment(db, patch.rules);
  const [row] = await db
    .update(segments)
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.rules !== undefined ? { rules: patch.rules } : {}),
      updatedAt: new Date(),
    })
    .where(eq(segments.id, id))
    .returning();
  if (!row) throw new DomainError('engagement.segment_not_found', { id });
  return view(row);
}

export async function deleteSegment(db: Db, actor: Principal, id: string): Promise<void> {
  await loadSegment(db, requireMarketer(actor), id);
  const [used] = await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.segmentId, id)).limit(1);
  if (used) throw new DomainError('engagement.segment_in_use', { id });
  const gone = await db.delete(segments).where(eq(segments.id, id)).returning({ id: segments.id });
  if (!gone.length) throw new DomainError('engagement.segment_not_found', { id });
}

/** The planner settings of a preview's transaction (why: in previewSegment). */
export const PREVIEW_SETTINGS = [
  sql`SET LOCAL jit = off`,
  sql`SET LOCAL random_page_cost = 1.1`,
  sql`SET LOCAL work_mem = '64MB'`,
];

/**
 * A preview's one statement over the segment's members: the count and 20 of them (n on every row). The
 * set is materialised as ids alone and only the 20 picked are joined to their names (at 1 M members a
 * segment of 500 k carried every name through the sort for nothing). The 20 are picked by hashtext, a stable
 * pseudo-random order: md5 of 500 k ids took 0.3 s of the preview, hashtext 0.03 s.
 */
export function previewSql(members: SQL): SQL {
  return sql`WITH s AS MATERIALIZED (SELECT m.customer_id FROM (${members}) m),
         pick AS (SELECT customer_id FROM s ORDER BY hashtext(customer_id), customer_id LIMIT 20)
    SELECT (SELECT count(*) FROM s)::int AS n, d.customer_id, d.member_number, d.name, d.name_kana, d.tier
      FROM (SELECT 1) AS one
      LEFT JOIN (pick JOIN (${membersSql()}) d ON d.customer_id = pick.customer_id) ON true
     ORDER BY hashtext(d.customer_id), d.customer_id`;
}

/**
 * How many members the rules hold now, and 20 of them (a stable pseudo-random pick, not the oldest 20),
 * from one evaluation of the rules: the members are counted and picked from the same materialised set.
 * A store manager's rules are held to her stores' members (or the stores she names, each hers), and she is
 * told the count only: browsing members is head office's (docs/security.md), so her sample is empty.
 */
export async function previewSegment(
  db: Db,
  actor: Principal,
  rules: SegmentRules,
  opts: { storeScope?: string[] | null | undefined } = {},
): Promise<SegmentPreview> {
  const m = requireMarketer(actor);
  const homeStores = homeStoresOf(await scopeToRecord(db, m, opts.storeScope));
  const members = await compileSegmentIds(db, rules, homeStores ? { homeStores } : {});
  const rows = await inTransaction(db, async (tx) => {
    // No JIT: the planner cannot foresee how many members a rule keeps, prices a segment over a million
    // members as huge, and would compile it for ~1 s (measured at 100 k members) to save milliseconds.
    // SSD page costs, as product search does: with the default (4, for spinning disks) the planner
    // scans the whole timeline rather than read a category's products' views from their index
    // (measured at 100 k members: 1.8 s vs 0.7 s).
    // And room to sort and hash the members' facts in memory (RFM ranks every buyer three times), which
    // the default 4 MB, sized for many small queries at once, sends to disk at 100 k members.
    for (const setting of [...PREVIEW_SETTINGS, ...segmentIdsSettings(rules, homeStores ? { homeStores } : {})])
      await tx.execute(setting);
    return query<{
      n: number;
      customer_id: string | null;
      member_number: string;
      name: string | null;
      name_kana: string | null;
      tier: string;
    }>(tx, previewSql(members));
  });
  return {
    count: Number(rows[0]?.n ?? 0),
    sample: rows
      .filter((r) => r.customer_id !== null && !m.stores)
      .map((r) => ({
        id: r.customer_id!,
        memberNumber: r.member_number,
        name: r.name,
        nameKana: r.name_kana,
        tier: r.tier,
      })),
  };
}

/**
 * The CSV a marketer takes elsewhere: member number, reading, the channels she bought in (last 365 days).
 * Head office's only (exports of members are, docs/security.md); a store segment's holds its stores' members.
 */
export async function segmentCsv(db: Executor, actor: Principal, id: string): Promise<{ name: string; csv: string }> {
  requireHeadOffice(actor);
  const segment = await getSegment(db, actor, id);
  const homeStores = homeStoresOf(segment.storeScope);
  const members = await compileSegment(db, segment.rules, homeStores ? { homeStores } : {});
  const rows = await query<{ member_number: string; name_kana: string | null; channels: string[] | null }>(
    db,
    sql`SELECT s.member_number, s.name_kana, f.channels FROM (${members}) s
          LEFT JOIN (${purchaseFactsSql(RFM_DAYS)}) f ON f.customer_id = s.customer_id
         ORDER BY s.member_number`,
  );
  await recordAudit(db, actor, {
    action: 'segment.exported',
    subjectType: 'segment',
    subjectId: id,
    detail: { members: rows.length },
  });
  const csv = toCsv(
    rows.map((r) => ({ ...r, channels: (r.channels ?? []).sort().join(' ') })),
    { member_number: '会員番号', name_kana: 'フリガナ', channels: '購入チャネル' },
  );
  return { name: segment.name, csv };
}
