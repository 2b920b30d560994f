import { parentPort } from 'node:worker_threads';
import { pino } from 'pino';
import { loadConfig } from './platform/config.ts';
import { openDatabase } from './platform/db/connection.ts';
import { migrateOrCheck } from './platform/db/migrate.ts';
import { openObjectStore } from './platform/storage/storage.ts';

// The worker of first-start.ts: the cluster, the migrations and the demo chain, then the directory closed.
// DATA_DIR's lock is held by the main thread.
async function run(): Promise<Record<string, number> | null> {
  const config = loadConfig();
  const log = pino({ level: config.logLevel });
  const database = await openDatabase({
    dataDir: config.dataDir,
    sharedBuffers: config.embeddedSharedBuffers,
    lock: false,
  });
  try {
    await migrateOrCheck(database, config.migrateOnStart);
    if (!config.demo) return null;
    const { seedDemoIfEmpty } = await import('./demo/seed.ts');
    const media = openObjectStore(config.media, { timeoutMs: config.delivery.timeoutMs });
    return await seedDemoIfEmpty(database, log, { media });
  } finally {
    await database.close();
  }
}

run().then(
  (seeded) => parentPort!.postMessage({ seeded }),
  (err: unknown) => parentPort!.postMessage({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
);
