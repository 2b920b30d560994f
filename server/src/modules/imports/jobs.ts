import { and, desc, eq, or, sql, lt } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError, type Lang } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { requireRole, type Principal } from '../../platform/auth.ts';
import { importJobs, type ImportCounts, type ImportKind, type RowError } from './schema.ts';
import { decodeCsv } from './decode.ts';
import { readTable, RowReader } from './table.ts';
import type { ImportKindSpec, RowAction } from './kinds.ts';
import { productImport } from './products.ts';
import { priceImport } from './prices.ts';
import { stockCountImport } from './stock-counts.ts';
import { customerImport } from './customers.ts';
import { reasonText } from './messages.ts';
import { actingStaff } from '../staff/service.ts';
import './problems.ts';

const kinds: Record<ImportKind, ImportKindSpec<{ line: number }>> = {
  products: productImport as unknown as ImportKindSpec<{ line: number }>,
  prices: priceImport as unknown as ImportKindSpec<{ line: number }>,
  stock_counts: stockCountImport as unknown as ImportKindSpec<{ line: number }>,
  customers: customerImport as unknown as ImportKindSpec<{ line: number }>,
};

/** Errors kept on the job (and shown): the first thousand; the count is always whole. */
const KEPT_ERRORS = 1000;
/** Rows planned per read in the dry run. */
const PLAN_BATCH = 5000;
/** How long a run holds its job without writing a batch before another may take it over. */
const LEASE_SECONDS = 60;

const zero = (): ImportCounts => ({ create: 0, update: 0, unchanged: 0, error: 0 });

function tally(counts: ImportCounts, actions: Array<RowAction | null>): void {
  for (const a of actions) if (a) counts[a]++;
}

/** The rows of a file, read and checked: the typed rows and every error found without the database. */
async function readFile(db: Executor, spec: ImportKindSpec<{ line: number }>, text: string) {
  const table = readTable(text, spec.columns, spec.attributes ?? false);
  const context = await spec.prepare(db);
  const rows: Array<{ line: number }> = [];
  const errors: RowError[] = [...table.errors];
  for (const record of table.records) {
    const reader = new RowReader(table, record);
    const row = spec.read(reader, context);
    errors.push(...reader.errors);
    if (row) rows.push(row);
  }
  errors.push(...(spec.checkFile?.(rows, table) ?? []));
  const refused = new Set(errors.map((e) => e.line));
  return { rows: rows.filter((r) => !refused.has(r.line)), errors, total: table.records.length + table.errors.length };
}

function decode(content: Buffer) {
  const decoded = decodeCsv(content);
  if (!decoded) throw new DomainError('import.encoding_unknown');
  return decoded;
}

export interface NewImport {
  kind: ImportKind;
  fileName: string;
  content: Buffer;
}

/**
 * Upload a file and check it (the dry run): every row read, every error listed with its line and column,
 * and each good row planned against the database (create, update or unchanged). Nothing is written but
 * the job. A file that is not a table at all (encoding, CSV syntax, missing columns) is a 422.
 */
export async function checkImport(db: Db, actor: Principal, input: NewImport) {
  const staff = requireRole(actor, 'owner', 'hq');
  const spec = kinds[input.kind];
  const { text, encoding } = decode(input.content);
  const { rows, errors, total } = await readFile(db, spec, text);
  const counts = zero();
  for (let i = 0; i < rows.length; i += PLAN_BATCH) {
    const batch = rows.slice(i, i + PLAN_BATCH);
    const planned = await spec.plan(db, batch);
    tally(counts, planned.actions);
    errors.push(...planned.errors);
  }
  errors.sort((a, b) => a.line - b.line);
  counts.error = new Set(errors.map((e) => e.line)).size;
  const [job] = await db
    .insert(importJobs)
    .values({
      id: newId('imp'),
      kind: input.kind,
      fileName: input.fileName,
      encoding,
      content: input.content,
      status: errors.length ? 'refused' : 'checked',
      totalRows: total,
      counts,
      errors: errors.slice(0, KEPT_ERRORS),
      errorCount: errors.length,
      createdBy: staff.staffId,
    })
    .returning();
  return job!;
}

export type ImportJob = typeof importJobs.$inferSelect;

export async function getImport(db: Executor, actor: Principal, id: string): Promise<ImportJob> {
  requireRole(actor, 'owner', 'hq');
  const [job] = await db.select().from(importJobs).where(eq(importJobs.id, id));
  if (!job) throw new DomainError('import.not_found', { id });
  return job;
}

export async function listImports(db: Executor, actor: Principal): Promise<ImportJob[]> {
  requireRole(actor, 'owner', 'hq');
  return db.select().from(importJobs).orderBy(desc(importJobs.createdAt)).limit(50);
}

/**
 * Take the job for a run: a checked one, one that failed, or a running one whose worker went quiet
 * (its lease lapsed: the process died). Returns undefined when someone else holds it or it is done.
 */
async function claim(db: Db, id: string) {
  const [job] = await db
    .update(importJobs)
    .set({
      status: 'running',
      leaseUntil: sql`now() + make_interval(secs => ${LEASE_SECONDS})`,
      startedAt: sql`coalesce(${importJobs.startedAt}, now())`,
    })
    .where(
      and(
        eq(importJobs.id, id),
        or(
          eq(importJobs.status, 'checked'),
          eq(importJobs.status, 'failed'),
          and(eq(importJobs.status, 'running'), lt(importJobs.leaseUntil, sql`now()`)),
        ),
      ),
    )
    .returning();
  return job;
}

/**
 * Start (or resume) the real run. A file with row errors is refused whole (422, nothing written): the
 * office fixes the file and uploads it again. Returns the job and, when this call took it, the run to await
 * (a route leaves it running and answers 202; the screen polls the progress).
 */
export async function startImport(
  db: Db,
  actor: Principal,
  id: string,
): Promise<{ job: ImportJob; run: Promise<ImportJob> | null }> {
  const job = await getImport(db, actor, id);
  if (job.status === 'refused') throw new DomainError('import.has_errors', { count: job.errorCount });
  const claimed = await claim(db, id);
  if (!claimed) return { job, run: null };
  return { job: claimed, run: runBatches(db, actor, claimed) };
}

/**
 * The batches from where the job stands: each batch's writes and the job's progress commit together, so
 * a crash loses at most the batch under way (rolled back) and the next run starts from it. Writes are
 * only of what differs, so even a whole rerun of the file changes nothing twice.
 */
async function runBatches(db: Db, actor: Principal, job: ImportJob): Promise<ImportJob> {
  const spec = kinds[job.kind];
  try {
    const { text } = decode(job.content!);
    const { rows, errors } = await readFile(db, spec, text);
    if (errors.length) throw new DomainError('import.has_errors', { count: errors.length });
    // processedRows counts file rows; the typed rows are the same rows in the same order (no errors).
    for (let i = job.processedRows; i < rows.length; i += spec.batchSize) {
      const batch = rows.slice(i, i + spec.batchSize);
      await inTransaction(db, async (tx) => {
        const outcome = await spec.write(tx, actor, batch, job.id);
        if (outcome.errors.length) {
          const e = outcome.errors[0]!;
          throw new DomainError('import.has_errors', { count: outcome.errors.length, line: e.line });
        }
        const added = zero();
        tally(added, outcome.actions);
        await tx
          .update(importJobs)
          .set({
            processedRows: i + batch.length,
            leaseUntil: sql`now() + make_interval(secs => ${LEASE_SECONDS})`,
            result: sql`jsonb_build_object(
              'create', (${importJobs.result}->>'create')::int + ${added.create},
              'update', (${importJobs.result}->>'update')::int + ${added.update},
              'unchanged', (${importJobs.result}->>'unchanged')::int + ${added.unchanged},
              'error', 0)`,
          })
          .where(eq(importJobs.id, job.id));
      });
    }
    const [done] = await db
      .update(importJobs)
      .set({ status: 'done', content: null, leaseUntil: null, finishedAt: sql`now()` })
      .where(eq(importJobs.id, job.id))
      .returning();
    return done!;
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    const [failed] = await db
      .update(importJobs)
      .set({
        status: 'failed',
        leaseUntil: null,
        errors: sql`${importJobs.errors} || ${JSON.stringify([{ line: 0, column: '', code: 'run_failed', params: { detail } }])}::jsonb`,
      })
      .where(eq(importJobs.id, job.id))
      .returning();
    return failed!;
  }
}

/**
 * The server's job `imports.resume`: runs whose worker died (the process stopped; the lease lapsed) are
 * taken over and carried on from their last batch, on behalf of who started them as she may act now (a
 * deactivated staff member's import fails instead). Awaits the runs it takes, one at a time.
 */
export async function resumeImports(db: Db): Promise<number> {
  const stalled = await db
    .select({ id: importJobs.id, createdBy: importJobs.createdBy })
    .from(importJobs)
    .where(and(eq(importJobs.status, 'running'), lt(importJobs.leaseUntil, sql`now()`)))
    .limit(5);
  let resumed = 0;
  for (const s of stalled) {
    const actor = s.createdBy ? await actingStaff(db, s.createdBy) : null;
    const claimed = await claim(db, s.id);
    if (!claimed) continue;
    if (!actor) {
      await db.update(importJobs).set({ status: 'failed', leaseUntil: null }).where(eq(importJobs.id, s.id));
      continue;
    }
    await runBatches(db, actor, claimed);
    resumed++;
  }
  return resumed;
}

/** A job as the API shows it: error reasons rendered in the caller's language, no file content. */
export function importView(job: ImportJob, lang: Lang) {
  return {
    id: job.id,
    kind: job.kind,
    fileName: job.fileName,
    encoding: job.encoding,
    status: job.status,
    totalRows: job.totalRows,
    processedRows: job.processedRows,
    counts: job.counts,
    result: job.result,
    errorCount: job.errorCount,
    errors: job.errors.map((e) => ({
      line: e.line,
      column: e.column,
      code: e.code,
      message: reasonText(e.code, e.params ?? {}, lang),
    })),
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}
