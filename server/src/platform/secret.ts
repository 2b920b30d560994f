import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { query, type Database } from './db/connection.ts';

/**
 * The signing key (member QR codes, sessions, webhooks). MUSUBI_SECRET wins; otherwise one is generated
 * once — into DATA_DIR for the embedded database, into the settings table on a Postgres server so that
 * every app copy shares it.
 */
export async function ensureSecret(
  database: Database,
  configured: string | undefined,
  dataDir: string,
): Promise<string> {
  if (configured) return configured;
  const fresh = randomBytes(32).toString('base64url');
  if (database.kind === 'pglite' && dataDir !== 'memory') {
    const file = join(dataDir, 'secret');
    if (!existsSync(file)) writeFileSync(file, fresh, { mode: 0o600 });
    return readFileSync(file, 'utf8').trim();
  }
  await database.db.execute(
    sql`INSERT INTO settings (key, value) VALUES ('secret', ${fresh}) ON CONFLICT (key) DO NOTHING`,
  );
  const [row] = await query<{ value: string }>(database.db, sql`SELECT value FROM settings WHERE key = 'secret'`);
  return row!.value;
}
