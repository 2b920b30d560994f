import { loadConfig } from './platform/config.ts';
import { buildServer } from './server.ts';
import { seedDemoIfEmpty } from './demo/seed.ts';

/** Start Musubi: config from env, database, demo chain on first start, HTTP, graceful shutdown. */
async function main() {
  const startedAt = performance.now();
  const config = loadConfig();
  const server = await buildServer(config);
  const log = server.app.log;
  if (config.demo) {
    const seeded = await seedDemoIfEmpty(server.database, log);
    if (seeded) log.info(seeded, 'demo chain seeded');
  }
  await server.app.listen({ port: config.port, host: config.host });
  log.info(
    { database: server.database.kind, dataDir: server.database.kind === 'pglite' ? config.dataDir : undefined, ms: Math.round(performance.now() - startedAt) },
    `Musubi is ready on http://localhost:${config.port}`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await server.close();
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
