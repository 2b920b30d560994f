import type { Db, Tx } from './connection.ts';

/** The SQLSTATE of a database error, looking through the wrappers drivers and Drizzle add. */
export function sqlState(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The constraint a unique or check violation names, if any. */
export function violatedConstraint(err: unknown): string | undefined {
  return errorField(err, 'constraint');
}

/** A field of the database's error report (constraint, table, column, detail), through the wrappers. */
export function errorField(err: unknown, name: 'constraint' | 'table' | 'column' | 'detail'): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    const c = (e as Record<string, unknown>)[name];
    if (typeof c === 'string' && c) return c;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock detected

/**
 * Run `work` in one transaction through the driver's transaction API (never bare BEGIN/COMMIT: on the
 * shared PGlite connection that would mix concurrent callers into one transaction). A deadlock or
 * serialization failure is retried a few times; anything else rolls back and propagates.
 */
export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work as (tx: unknown) => Promise<T>);
    } catch (err) {
      if (attempt < 4 && RETRYABLE.has(sqlState(err) ?? '')) {
        await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 10));
        continue;
      }
      throw err;
    }
  }
}
