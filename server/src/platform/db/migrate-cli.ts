import { loadConfig } from '../config.ts';
import { openDatabase } from './connection.ts';
import { migrate, pendingMigrations } from './migrate.ts';

/**
 * `npm run migrate`: apply this release's pending migrations to the configured database (DATABASE_URL,
 * else DATA_DIR) and exit. `--check` only lists what is pending and exits 1 if anything is.
 * On the embedded database the server must be stopped first (one process per DATA_DIR).
 */
async function main() {
  const check = process.argv.includes('--check');
  const config = loadConfig();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: 2,
    sharedBuffers: config.embeddedSharedBuffers,
  });
  const where = database.kind === 'postgres' ? 'the Postgres server' : config.dataDir;
  try {
    if (check) {
      const pending = await pendingMigrations(database);
      console.log(pending.length ? `pending on ${where}: ${pending.join(', ')}` : `${where} is up to date`);
      process.exitCode = pending.length ? 1 : 0;
      return;
    }
    const started = performance.now();
    const applied = await migrate(database);
    const ms = Math.round(performance.now() - started);
    console.log(applied.length ? `applied on ${where} in ${ms} ms: ${applied.join(', ')}` : `${where} is up to date`);
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
