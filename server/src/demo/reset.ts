import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../platform/config.ts';
import { DataDirLockedError, lockDataDir } from '../platform/db/lock.ts';

/**
 * `npm run demo:reset`: throw the demo data away so the next `npm start` seeds the chain afresh.
 * Embedded database: deletes DATA_DIR/pgdata (refused while Musubi runs on it; the secret is kept).
 * Postgres server: drops Musubi's schemas, only with --yes, because it deletes everything in them.
 */
async function reset(): Promise<void> {
  const config = loadConfig();
  if (config.databaseUrl) {
    const target = new URL(config.databaseUrl);
    if (!process.argv.includes('--yes')) {
      console.error(
        `This deletes every table of Musubi in ${target.host}${target.pathname}. Run again with: npm run demo:reset -- --yes`,
      );
      process.exit(2);
    }
    const client = new pg.Client({ connectionString: config.databaseUrl });
    await client.connect();
    try {
      await client.query('DROP SCHEMA IF EXISTS drizzle CASCADE');
      await client.query('DROP SCHEMA public CASCADE');
      await client.query('CREATE SCHEMA public');
    } finally {
      await client.end();
    }
    console.log(`Reset ${target.host}${target.pathname}: the next start migrates and seeds the demo chain.`);
    return;
  }
  if (config.dataDir === 'memory') return;
  const unlock = lockDataDir(config.dataDir); // throws while a server holds DATA_DIR
  try {
    rmSync(join(config.dataDir, 'pgdata'), { recursive: true, force: true });
  } finally {
    unlock();
  }
  console.log(`Reset ${config.dataDir}: the next npm start seeds the demo chain.`);
}

reset().catch((err) => {
  console.error(err instanceof DataDirLockedError ? `${err.message}` : err);
  process.exit(1);
});
