import closeWithGrace from 'close-with-grace';
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
    const seeded = await seedDemoIfEmpty(server.database, log, { media: server.media });
    if (seeded) {
      log.info(seeded, 'demo chain seeded');
      await server.syncEventDemand();
    }
  }
  await server.app.listen({ port: config.port, host: config.host });
  log.info(
    {
      database: server.database.kind,
      dataDir: server.database.kind === 'pglite' ? config.dataDir : undefined,
      readReplica: server.database.replica?.status.state,
      ms: Math.round(performance.now() - startedAt),
    },
    `Musubi is ready on http://localhost:${config.port}`,
  );

  // SIGTERM/SIGINT: drain (server.close bounds the requests in flight by SHUTDOWN_GRACE_MS), exit 0. An
  // uncaught error drains the same way and exits 1. A second signal, or a drain stuck past the grace plus
  // a margin (a job that never returns, a pool that never closes), exits 1 at once.
  closeWithGrace(
    {
      delay: config.shutdownGraceMs + 5_000,
      logger: {
        error: (msg: unknown) => log.error(msg instanceof Error ? { err: msg } : { msg: String(msg) }, 'shutdown'),
      },
    },
    async ({ signal, err }) => {
      if (err) log.error({ err }, 'uncaught error: shutting down');
      else log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down');
      await server.close();
      log.info({ signal }, 'shut down');
    },
  );
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
