import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { query, type Database } from '../../platform/db/connection.ts';

/** The server's Web Push identity (RFC 8292): browsers accept pushes signed with the key they subscribed with. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  /** Who the push services may contact about our pushes: an https: URL or a mailto: address. */
  subject: string;
}

/** web-push, loaded on the first push or key pair (not at a restart: ~0.15 s of it). */
let webpushModule: typeof import('web-push') | undefined;
export function webpush(): typeof import('web-push') {
  return (webpushModule ??= createRequire(import.meta.url)('web-push') as typeof import('web-push'));
}

/**
 * VAPID keys, kept like the signing secret: VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY win; otherwise a pair is
 * generated once — into DATA_DIR for the embedded database, into the settings table on a Postgres server
 * so every app copy signs with the same key. Changing the pair would orphan every subscription.
 */
export async function ensureVapidKeys(
  database: Database,
  configured: { publicKey?: string | undefined; privateKey?: string | undefined; subject: string },
  dataDir: string,
): Promise<VapidKeys> {
  const { subject } = configured;
  if (configured.publicKey && configured.privateKey)
    return { publicKey: configured.publicKey, privateKey: configured.privateKey, subject };
  // A pair is made (and web-push loaded) only when none is kept yet, or to offer one to the settings table.
  const fresh = () => JSON.stringify(webpush().generateVAPIDKeys());
  let stored: string;
  if (database.kind === 'pglite' && dataDir !== 'memory') {
    const file = join(dataDir, 'vapid.json');
    if (!existsSync(file)) writeFileSync(file, fresh(), { mode: 0o600 });
    stored = readFileSync(file, 'utf8');
  } else {
    await database.db.execute(
      sql`INSERT INTO settings (key, value) VALUES ('vapid', ${fresh()}) ON CONFLICT (key) DO NOTHING`,
    );
    const [row] = await query<{ value: string }>(database.db, sql`SELECT value FROM settings WHERE key = 'vapid'`);
    stored = row!.value;
  }
  const keys = JSON.parse(stored) as { publicKey: string; privateKey: string };
  return { publicKey: keys.publicKey, privateKey: keys.privateKey, subject };
}

/** VAPID_SUBJECT, else the site's https address, else the sender address of MAIL_FROM. */
export function vapidSubject(opts: { subject?: string | undefined; publicUrl?: string | undefined; mailFrom: string }) {
  if (opts.subject) return opts.subject;
  if (opts.publicUrl?.startsWith('https://')) return opts.publicUrl;
  const address = /<([^>]+)>/.exec(opts.mailFrom)?.[1] ?? opts.mailFrom;
  return `mailto:${address.trim()}`;
}
