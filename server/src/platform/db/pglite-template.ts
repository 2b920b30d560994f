import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { brotliCompressSync, brotliDecompressSync, constants as zlib } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';

/**
 * The embedded database's first start without initdb.
 *
 * PGlite's initdb runs inside the starting process and is its largest memory user: a second Postgres
 * instance, a copy of its whole WebAssembly heap (reset before each of initdb's backend runs) and the
 * data directory as a tarball — about 750 MB at the peak, ~450 MB of it kept after the instance is
 * closed (measured, PGlite 0.5.16). Instead, a fresh empty cluster made by that same initdb is shipped
 * beside this file (`pgdata-pglite-<version>.tar.br`, ~1.5 MB: brotli with a 16 MB window sees that
 * template0, template1 and postgres are nearly the same files) and unpacked into DATA_DIR before PGlite
 * opens it, which then finds a cluster as on any restart: seconds instead of initdb's half minute, and no
 * initdb memory (nor the 40 MB tarball that PGlite's `loadDataDir` would keep referenced).
 *
 * The template belongs to one PGlite version (its catalog layout). After an upgrade of
 * @electric-sql/pglite, `npm run db:template --workspace server` makes the new one (a test fails until
 * then); meanwhile a start falls back to initdb in a worker thread, whose memory is all returned when
 * the worker ends (the peak stays initdb's).
 */

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
/** PGlite's CommonJS entry: the initdb worker loads it with require (an eval worker has no TypeScript loader). */
const pgliteEntry = require.resolve('@electric-sql/pglite');

/** The installed PGlite version (its package.json beside dist/). */
export function pgliteVersion(): string {
  const pkg = JSON.parse(readFileSync(join(dirname(pgliteEntry), '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

const PREFIX = 'pgdata-pglite-';
const SUFFIX = '.tar.br';

export function templateFile(version = pgliteVersion()): string {
  return join(here, `${PREFIX}${version}${SUFFIX}`);
}

/** The empty cluster for the installed PGlite as a tarball for `loadDataDir`, or undefined if none ships. */
export function emptyClusterTarball(): Blob | undefined {
  const file = templateFile();
  if (!existsSync(file)) return undefined;
  return new Blob([brotliDecompressSync(readFileSync(file))]);
}

/**
 * Unpack the empty cluster into `pgdata` (files and directories of a plain ustar archive, as PGlite's
 * dumpDataDir writes it); false when none ships for the installed PGlite. The dump's postmaster.pid (the
 * dumping instance's) is left out.
 */
export function unpackEmptyCluster(pgdata: string): boolean {
  const file = templateFile();
  if (!existsSync(file)) return false;
  const tar = brotliDecompressSync(readFileSync(file));
  const text = (from: number, length: number) => tar.toString('latin1', from, from + length).replace(/\0.*$/s, '');
  mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  for (let offset = 0; offset + 512 <= tar.length;) {
    if (tar[offset] === 0) break; // the two zero blocks at the end
    const name = (text(offset + 345, 155) + text(offset, 100)).replace(/^\/+/, '');
    const size = Number.parseInt(text(offset + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(tar[offset + 156]!);
    const body = offset + 512;
    if (!name || name.split('/').includes('..')) throw new Error(`${file}: unexpected entry ${name}`);
    const path = join(pgdata, name);
    if (type === '5') mkdirSync(path, { recursive: true, mode: 0o700 });
    else if ((type === '0' || type === '\0') && name !== 'postmaster.pid') {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, tar.subarray(body, body + size), { mode: 0o600 });
    }
    offset = body + Math.ceil(size / 512) * 512;
  }
  return true;
}

/**
 * initdb in a worker thread: PGlite makes the cluster in `pgdata` and closes; the worker's heap and its
 * WebAssembly memories go when it ends. The fallback when no template matches the installed PGlite.
 */
export async function initdbInWorker(pgdata: string, startParams: string[]): Promise<void> {
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const { PGlite } = require(workerData.entry);
    PGlite.create(workerData.pgdata, { startParams: workerData.startParams })
      .then((pg) => pg.close())
      .then(() => parentPort.postMessage({ ok: true }), (err) => parentPort.postMessage({ ok: false, err: String(err && err.stack || err) }));`;
  const worker = new Worker(code, {
    eval: true,
    workerData: { entry: pgliteEntry, pgdata, startParams },
    // The TypeScript loader is not needed: the worker runs plain CommonJS.
    execArgv: [],
  });
  try {
    const answer = await new Promise<{ ok: boolean; err?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`initdb worker exited with ${code}`)));
    });
    if (!answer.ok) throw new Error(`initdb failed: ${answer.err}`);
  } finally {
    await worker.terminate();
  }
}

/** Make the template for the installed PGlite (initdb in memory, dumped, brotli), removing older ones. */
export async function makeTemplate(): Promise<{ file: string; bytes: number; tarBytes: number }> {
  const pg = await PGlite.create();
  let tar: Buffer;
  try {
    tar = Buffer.from(await (await pg.dumpDataDir('none')).arrayBuffer());
  } finally {
    await pg.close();
  }
  const packed = brotliCompressSync(tar, {
    params: {
      [zlib.BROTLI_PARAM_QUALITY]: 11,
      [zlib.BROTLI_PARAM_LGWIN]: 24,
      [zlib.BROTLI_PARAM_SIZE_HINT]: tar.length,
    },
  });
  const file = templateFile();
  for (const f of readdirSync(here))
    if (f.startsWith(PREFIX) && f.endsWith(SUFFIX) && join(here, f) !== file) rmSync(join(here, f));
  writeFileSync(file, packed);
  return { file, bytes: packed.length, tarBytes: tar.length };
}
