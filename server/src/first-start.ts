import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Config } from './platform/config.ts';
import { lockDataDir } from './platform/db/lock.ts';

/**
 * The embedded database's first start, done in a worker thread before the server is built: the empty
 * cluster unpacked (platform/db/pglite-template.ts), the migrations, and with MUSUBI_DEMO the demo chain
 * (a year of orders). That work is what makes a process large — PGlite's WebAssembly memory only grows,
 * and the seed's rows and statements fill the JavaScript heap — and a worker's heap and WebAssembly
 * memories are returned when it ends, so the server then opens the directory like any restart, at a
 * restart's size, instead of carrying the first start's peak for the rest of its life.
 */

/** An embedded DATA_DIR without a cluster yet (no PG_VERSION): the first start. */
export function isFirstEmbeddedStart(config: Pick<Config, 'databaseUrl' | 'dataDir'>): boolean {
  if (config.databaseUrl || config.dataDir === 'memory') return false;
  return !existsSync(join(resolve(config.dataDir), 'pgdata', 'PG_VERSION'));
}

const WORKER_OLD_SPACE_MB = 256;
const WORKER_YOUNG_SPACE_MB = 16;

export interface FirstStartResult {
  /** What the demo seed wrote (null: not seeded, MUSUBI_DEMO off; undefined: the worker could not finish). */
  seeded: Record<string, number> | null | undefined;
  outOfMemory?: boolean;
  ms: number;
}

/**
 * Run the first start in a worker (first-start-worker.ts), holding DATA_DIR's lock meanwhile so a second
 * Musubi is refused as always; the server's own open takes the lock over (same process).
 */
export async function firstStartInWorker(config: Config): Promise<FirstStartResult> {
  const unlock = lockDataDir(resolve(config.dataDir));
  const startedAt = performance.now();
  // The worker shares the process's environment (loadConfig). On Node 20 the TypeScript loader that
  // `--import tsx` registered does not reach a worker: the worker registers tsx itself, then loads the file.
  const entry = new URL('./first-start-worker.ts', import.meta.url).href;
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const worker = new Worker(
    `import(${JSON.stringify(tsx)}).then((m) => m.register()).then(() => import(${JSON.stringify(entry)}))
      .catch((err) => require('node:worker_threads').parentPort.postMessage({ error: String(err && err.stack || err) }));`,
    {
      eval: true,
      // A bounded heap: V8 collects the seed's spent statements instead of growing into the memory a
      // small machine does not have (the seed keeps ~80 MB of planned rows; the rest is garbage).
      resourceLimits: { maxOldGenerationSizeMb: WORKER_OLD_SPACE_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_SPACE_MB },
    },
  );
  try {
    const answer = await new Promise<{ seeded: Record<string, number> | null } | { error: string }>(
      (resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`the first-start worker exited with ${code}`)));
      },
    );
    if ('error' in answer) throw new Error(answer.error);
    return { seeded: answer.seeded, ms: Math.round(performance.now() - startedAt) };
  } catch (err) {
    // Out of its bounded heap: what it committed stays (the cluster, migrations; the seed is one
    // transaction, so all or nothing), and the server carries on in this thread as it did before workers.
    if ((err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY')
      return { seeded: undefined, ms: Math.round(performance.now() - startedAt), outOfMemory: true };
    unlock();
    throw err;
  } finally {
    await worker.terminate();
  }
}
