import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Config } from './platform/config.ts';
import { lockDataDir } from './platform/db/lock.ts';

/**
 * The embedded database's first start, done in a child process before the server is loaded: the empty
 * cluster unpacked (platform/db/pglite-template.ts), the migrations, and with MUSUBI_DEMO the demo chain
 * (a year of orders). That work is what makes a process large — PGlite's WebAssembly memory only grows,
 * and the seed's rows and statements fill the JavaScript heap — and a process's memory all goes back to
 * the system when it exits (a worker thread's did not: ~250 MB stayed with the process, measured), so the
 * server then opens the directory like any restart, at a restart's size. The child's heap is bounded:
 * V8 collects the seed's spent statements instead of growing into memory a small machine does not have
 * (the seed holds ~50 MB of planned rows at most, written a part at a time; the rest is garbage).
 */

const CHILD_OLD_SPACE_MB = 192;
const CHILD_SEMI_SPACE_MB = 4;

/** An embedded DATA_DIR without a cluster yet (no PG_VERSION): the first start. */
export function isFirstEmbeddedStart(config: Pick<Config, 'databaseUrl' | 'dataDir'>): boolean {
  if (config.databaseUrl || config.dataDir === 'memory') return false;
  return !existsSync(join(resolve(config.dataDir), 'pgdata', 'PG_VERSION'));
}

export interface FirstStartResult {
  /** What the demo seed wrote (null: not seeded, MUSUBI_DEMO off; undefined: the child could not finish). */
  seeded: Record<string, number> | null | undefined;
  ms: number;
  /** The child's own peak resident memory, MB (Linux). */
  peakRssMb?: number;
  outOfMemory?: boolean;
}

/**
 * The child's code: the compiled worker beside the compiled server (scripts/build.mjs sets
 * MUSUBI_COMPILED to its directory in what it bundles), else the source, run through the parent's own
 * TypeScript loader.
 */
const workerFile = process.env.MUSUBI_COMPILED
  ? pathToFileURL(join(process.env.MUSUBI_COMPILED, 'first-start-worker.mjs'))
  : new URL('./first-start-worker.ts', import.meta.url);

/**
 * Run the first start in a child (first-start-worker.ts, the same Node flags, so the same TypeScript
 * loader; the same environment, so the same configuration), holding DATA_DIR's lock meanwhile so a second
 * Musubi is refused as always; the server's own open then takes the lock over (same process).
 */
export async function firstStartInChild(config: Config): Promise<FirstStartResult> {
  const unlock = lockDataDir(resolve(config.dataDir));
  const startedAt = performance.now();
  const child = fork(fileURLToPath(workerFile), [], {
    execArgv: [
      ...process.execArgv.filter((a) => !/^--max-(old|semi)-space-size/.test(a)),
      `--max-old-space-size=${CHILD_OLD_SPACE_MB}`,
      `--max-semi-space-size=${CHILD_SEMI_SPACE_MB}`,
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // glibc's malloc gives each thread that allocates (libvips drawing the demo pictures, scrypt) an arena
    // of its own that keeps what it freed; two arenas are plenty for a one-off job (sharp's advice too).
    env: { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' },
  });
  // A signal to this process while the child works ends the child too (it also exits when the channel closes).
  const stopChild = () => child.kill('SIGTERM');
  process.once('exit', stopChild);
  try {
    const answer = await new Promise<
      { seeded: Record<string, number> | null; peakRssMb?: number } | { error: string } | { exit: number | null }
    >((resolve, reject) => {
      child.once('message', (m) => resolve(m as { seeded: Record<string, number> | null }));
      child.once('error', reject);
      child.once('exit', (code) => resolve({ exit: code }));
    });
    const ms = Math.round(performance.now() - startedAt);
    if ('error' in answer) throw new Error(answer.error);
    if ('exit' in answer) {
      // Killed by V8 for want of heap (or by the system): what it committed stays (the cluster, the
      // migrations; the seed is one transaction, all or nothing) and the server carries on in this process.
      return { seeded: undefined, ms, outOfMemory: true };
    }
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
    return { seeded: answer.seeded, ms, ...(answer.peakRssMb ? { peakRssMb: answer.peakRssMb } : {}) };
  } catch (err) {
    unlock();
    throw err;
  } finally {
    process.off('exit', stopChild);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
