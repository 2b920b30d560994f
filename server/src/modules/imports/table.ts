import { parse } from 'csv-parse/sync';
import { DomainError } from '../../platform/errors.ts';
import type { RowError } from './schema.ts';
import type { RowReason } from './messages.ts';

/** A column a kind of import reads: the names its header may have (Japanese first), and whether it must. */
export interface ColumnSpec {
  key: string;
  headers: readonly string[];
  required?: boolean;
}

export const MAX_ROWS = 200_000;

/** Headers compared loosely: full-width and half-width alike, no spaces, any case (「価格（税込）」= 「価格(税込)」). */
export function headerKey(h: string): string {
  return h.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/** One data row: its line in the file, and its cells by column key (attributes by their own names). */
export interface Record_ {
  line: number;
  cells: Map<string, string>;
  attributes: Array<[name: string, value: string]>;
}

export interface Table {
  /** The header as written, by column key (for error messages); a key absent here is not in the file. */
  headerOf: Map<string, string>;
  /** Whether the header has 属性: columns. */
  hasAttributes: boolean;
  records: Record_[];
  /** Rows refused before reading their cells (a wrong number of columns). */
  errors: RowError[];
}

/** Prefixes that make a column an attribute of the variant (「属性:色」 → options.色). */
const attributePrefixes = ['属性:', 'attr:', 'attribute:'];

/** Split the text into rows and match the header to the kind's columns; 422 for a file that is not a table. */
export function readTable(text: string, columns: readonly ColumnSpec[], withAttributes = false): Table {
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parse(text, { info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as typeof rows;
  } catch (err) {
    const e = err as { lines?: number; message?: string };
    throw new DomainError('import.csv_malformed', { line: e.lines ?? 0, reason: e.message ?? '' });
  }
  const [head, ...data] = rows;
  if (!head || !data.length) throw new DomainError('import.empty');
  if (data.length > MAX_ROWS) throw new DomainError('import.too_many_rows', { max: MAX_ROWS, got: data.length });
  const byHeader = new Map<string, ColumnSpec>();
  for (const c of columns) for (const h of c.headers) byHeader.set(headerKey(h), c);
  const keyAt: Array<string | null> = [];
  const attrAt: Array<string | null> = [];
  const headerOf = new Map<string, string>();
  head.record.forEach((raw, i) => {
    const h = raw.trim();
    const spec = byHeader.get(headerKey(h));
    const prefix = attributePrefixes.find((p) => headerKey(h).startsWith(headerKey(p)));
    keyAt[i] = spec && !headerOf.has(spec.key) ? spec.key : null;
    attrAt[i] = withAttributes && !spec && prefix ? h.normalize('NFKC').slice(prefix.length).trim() : null;
    if (spec && !headerOf.has(spec.key)) headerOf.set(spec.key, h);
  });
  const missing = columns.filter((c) => c.required && !headerOf.has(c.key)).map((c) => c.headers[0]);
  if (missing.length) throw new DomainError('import.missing_columns', { columns: missing.join('、') });
  const errors: RowError[] = [];
  const records: Record_[] = [];
  for (const { record, info } of data) {
    if (record.length !== head.record.length) {
      errors.push(rowError(info.lines, '', 'columns', { expected: head.record.length, got: record.length }));
      continue;
    }
    const cells = new Map<string, string>();
    const attributes: Array<[string, string]> = [];
    record.forEach((v, i) => {
      const value = v.normalize('NFKC').trim();
      if (keyAt[i]) cells.set(keyAt[i]!, value);
      else if (attrAt[i] && value) attributes.push([attrAt[i]!, value]);
    });
    records.push({ line: info.lines, cells, attributes });
  }
  return { headerOf, hasAttributes: attrAt.some((a) => a !== null), records, errors };
}

export function rowError(
  line: number,
  column: string,
  code: RowReason,
  params?: Record<string, string | number>,
): RowError {
  return { line, column, code, ...(params ? { params } : {}) };
}

/** Reads a row's cells, collecting one error per bad cell (so the dry run lists them all at once). */
export class RowReader {
  readonly errors: RowError[] = [];
  constructor(
    private readonly table: Table,
    private readonly record: Record_,
  ) {}

  get line(): number {
    return this.record.line;
  }

  fail(key: string, code: RowReason, params?: Record<string, string | number>): undefined {
    this.errors.push(rowError(this.record.line, this.table.headerOf.get(key) ?? key, code, params));
    return undefined;
  }

  text(key: string, opts: { required?: boolean; max?: number } = {}): string | undefined {
    const v = this.record.cells.get(key) ?? '';
    if (!v) return opts.required ? this.fail(key, 'required') : undefined;
    if (v.length > (opts.max ?? 200)) return this.fail(key, 'too_long', { max: opts.max ?? 200 });
    return v;
  }

  /** A whole number of yen or units: 「¥1,980」「1980円」 read as 1980. */
  int(key: string, code: RowReason, opts: { required?: boolean; max?: number } = {}): number | undefined {
    const v = this.text(key, opts.required ? { required: true } : {});
    if (v === undefined) return undefined;
    const digits = v
      .replace(/^[¥￥\\]/, '')
      .replace(/円$/, '')
      .replace(/,/g, '');
    if (!/^\d+$/.test(digits) || Number(digits) > (opts.max ?? 100_000_000)) return this.fail(key, code);
    return Number(digits);
  }

  /** Whether the file has this column at all. */
  has(key: string): boolean {
    return this.table.headerOf.has(key);
  }

  get hasAttributes(): boolean {
    return this.table.hasAttributes;
  }

  get attributes(): Record<string, string> {
    return Object.fromEntries(this.record.attributes);
  }
}
