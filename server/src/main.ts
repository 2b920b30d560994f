import { readFileSync } from 'node:fs';
import nodeModule from 'node:module';
import closeWithGrace from 'close-with-grace';
import { loadConfig } from './platform/config.ts';
import { firstStartInChild, isFirstEmbeddedStart } from './first-start.ts';

/** Start Musubi: config from env, database, demo chain on first start, HTTP, graceful shutdown. */
async function main() {
  const startedAt = performance.now();
  // On Node ≥ 22.1, V8's compiled code for the modules loaded from here on (the server's, below) is kept on
  // disk between starts (NODE_COMPILE_CACHE or the temp directory); Node 20 has no such cache.
  (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  const config = loadConfig();
  // An empty embedded DATA_DIR is made (cluster, migrations, demo) in a child process whose memory is
  // returned before the server is loaded (first-start.ts); the server then opens it as on any restart.
  const first = isFirstEmbeddedStart(config) ? await firstStartInChild(config) : undefined;
  // The database opens (PGlite's WebAssembly compiled, its cluster started) while the server's modules
  // load: on a restart these are the two longest waits before /health, and the module loading waits on
  // tsx's loader thread much of the time.
  const { openDatabase, openOptionsOf } = await import('./platform/db/connection.ts');
  // Where a start's time goes, in the ready line (ms since the process began; the phases overlap).
  const at = (): number => Math.round(performance.now());
  const phases: Record<string, number> = { configured: at() };
  const opening = openDatabase(openOptionsOf(config));
  opening.then(() => (phases.databaseOpen = at())).catch(() => {}); // the failure is buildServer's to report
  let buildServer: typeof import('./server.ts').buildServer;
  try {
    ({ buildServer } = await import('./server.ts'));
    phases.modulesLoaded = at();
  } catch (err) {
    await opening.then((database) => database.close()).catch(() => {});
    throw err;
  }
  const server = await buildServer(config, { opening });
  phases.serverBuilt = at();
  const log = server.app.log;
  if (first?.outOfMemory)
    log.warn({ ms: first.ms }, 'first start: the child process did not finish (out of memory?); carrying on here');
  else if (first) log.info({ ms: first.ms, peakRssMb: first.peakRssMb }, 'DATA_DIR made (first start)');
  if (config.demo) {
    // On a Postgres server (or an existing DATA_DIR that has no chain yet) the demo is seeded here; the
    // seed's module (and sharp, which draws its pictures) is loaded only then.
    const seeded = first?.seeded !== undefined ? first.seeded : await seedIfEmpty(server);
    if (seeded) {
      log.info(seeded, 'demo chain seeded');
      await server.syncEventDemand();
    }
  }
  await server.app.listen({ port: config.port, host: config.host });
  phases.listening = at();
  log.info(
    {
      database: server.database.kind,
      dataDir: server.database.kind === 'pglite' ? config.dataDir : undefined,
      readReplica: server.database.replica?.status.state,
      ms: Math.round(performance.now() - startedAt),
      phases,
      ...memory(),
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

async function seedIfEmpty(server: Awaited<ReturnType<typeof import('./server.ts').buildServer>>) {
  const { sql } = await import('drizzle-orm');
  const { query } = await import('./platform/db/connection.ts'); // loaded by the server already
  if ((await query(server.database.db, sql`SELECT 1 FROM locations LIMIT 1`)).length) return null;
  const { seedDemoIfEmpty } = await import('./demo/seed.ts');
  return seedDemoIfEmpty(server.database, server.app.log, { media: server.media });
}

/** The process's resident memory now and at its peak (Linux), MB: the ready line says what start cost. */
function memory(): { rssMb?: number; peakRssMb?: number } {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const mb = (name: string) => Math.round(Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) / 1024);
    return { rssMb: mb('VmRSS'), peakRssMb: mb('VmHWM') };
  } catch {
    return { rssMb: Math.round(process.memoryUsage.rss() / 1048576) };
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
