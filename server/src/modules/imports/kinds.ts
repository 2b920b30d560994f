import type { Executor, Tx } from '../../platform/db/connection.ts';
import type { Principal } from '../../platform/auth.ts';
import type { ImportKind, RowError } from './schema.ts';
import type { ColumnSpec, RowReader, Table } from './table.ts';

export type RowAction = 'create' | 'update' | 'unchanged';

/** What a batch of rows would do (the dry run) or did (the run): one action per row, or its errors. */
export interface BatchOutcome {
  actions: Array<RowAction | null>;
  errors: RowError[];
}

/**
 * One kind of import: its columns, how a row is read (cells → a typed row, errors per cell), checks across
 * the whole file (duplicates), and how a batch is planned and written through the owning module's service.
 */
export interface ImportKindSpec<R extends { line: number }> {
  kind: ImportKind;
  columns: readonly ColumnSpec[];
  attributes?: boolean;
  /** Rows per transaction of the real run. */
  batchSize: number;
  /** Facts read once per file (categories, locations). */
  prepare(db: Executor): Promise<unknown>;
  read(r: RowReader, context: unknown): R | undefined;
  checkFile?(rows: R[], table: Table): RowError[];
  plan(db: Executor, rows: R[]): Promise<BatchOutcome>;
  write(tx: Tx, actor: Principal, rows: R[], jobId: string): Promise<BatchOutcome>;
}

/** One error per repeated key, naming the line it repeats. */
export function duplicates<R extends { line: number }>(
  rows: R[],
  keyOf: (r: R) => string | undefined,
  column: string,
): RowError[] {
  const seen = new Map<string, number>();
  const errors: RowError[] = [];
  for (const r of rows) {
    const k = keyOf(r);
    if (k === undefined) continue;
    const first = seen.get(k);
    if (first !== undefined) errors.push({ line: r.line, column, code: 'duplicate', params: { line: first } });
    else seen.set(k, r.line);
  }
  return errors;
}
