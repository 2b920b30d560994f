import { sql } from 'drizzle-orm';
import { customType, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => Buffer.from(v),
});

export const importKinds = ['products', 'prices', 'stock_counts', 'customers'] as const;
export type ImportKind = (typeof importKinds)[number];
export const importStatuses = ['checked', 'refused', 'running', 'done', 'failed'] as const;
export type ImportStatus = (typeof importStatuses)[number];

export interface ImportCounts {
  create: number;
  update: number;
  unchanged: number;
  error: number;
}

export interface RowError {
  /** The file's line (1 = the header). */
  line: number;
  /** The header as written in the file ('' when the whole row is refused). */
  column: string;
  /** A stable code (`import.jan_check_digit`); the message is rendered in the caller's language. */
  code: string;
  params?: Record<string, string | number>;
}

/**
 * One uploaded CSV: checked (the dry run) when it arrives, run in batches later. `processed_rows` moves
 * forward in the same transaction as each batch's writes, so a run that died resumes where it stopped;
 * each batch also writes only what differs, so running the whole file again is safe too.
 */
export const importJobs = pgTable(
  'import_jobs',
  {
    id: text().primaryKey(),
    kind: text().notNull().$type<ImportKind>(),
    fileName: text().notNull(),
    /** utf-8, utf-8-bom or cp932 (Shift_JIS), as detected. */
    encoding: text().notNull(),
    /** The file as uploaded; null once the import is done (a customer list is personal data). */
    content: bytea(),
    status: text().notNull().$type<ImportStatus>(),
    totalRows: integer().notNull(),
    processedRows: integer().notNull().default(0),
    /** The dry run's counts. */
    counts: jsonb().$type<ImportCounts>().notNull(),
    /** The dry run's row errors (the first 1,000). */
    errors: jsonb().$type<RowError[]>().notNull().default([]),
    errorCount: integer().notNull().default(0),
    /** What the run wrote so far. */
    result: jsonb()
      .$type<ImportCounts>()
      .notNull()
      .default(sql`'{"create":0,"update":0,"unchanged":0,"error":0}'::jsonb`),
    createdBy: text(),
    /** A running import's worker holds it until then; past it, another may take the job over. */
    leaseUntil: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.createdAt)],
);
