import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { loadConfig } from './platform/config.ts';
import { openDatabase } from './platform/db/connection.ts';
import { migrateOrCheck } from './platform/db/migrate.ts';
import { openObjectStore } from './platform/storage/storage.ts';

// The child of first-start.ts: the cluster, the migrations and the demo chain, then the directory closed
// and the answer sent to the parent, which holds DATA_DIR's lock.
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

function peakRssMb(): number | undefined {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

// The parent gone (its channel closed): stop, it cannot use what we make.
process.on('disconnect', () => process.exit(1));

run().then(
  (seeded) => process.send!({ seeded, peakRssMb: peakRssMb() }, () => process.exit(0)),
  (err: unknown) =>
    process.send!({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () => process.exit(1)),
);
