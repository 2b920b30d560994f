import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:fs';
import { copyFile, cp, link, mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { createGzip, gunzip } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import type { Database } from '../db/connection.ts';
import { lockDataDir } from '../db/lock.ts';
import { readMigrations } from '../db/migrate.ts';
import { readTar, tarDirectory, tarEnd, tarEntry } from './tar.ts';

/**
 * Online backup of the embedded database. Only the process that holds DATA_DIR may read it, so the running
 * server makes the archive. Between two queries (PGlite's query lock, as its own dumpDataDir takes) the
 * database files are copied aside: that copy is what a crash at that instant would leave, and Postgres
 * recovers it the same way, from its write-ahead log. Copying takes ~0.4 s for the demo chain where
 * dumpDataDir's in-memory tar took ~4.5 s, and every request waits for whichever runs. The archive is then
 * written from the copy, streamed and gzip'd while the shop carries on.
 *
 * Layout (a gzip'd tar that is also a DATA_DIR): `manifest.json`, `secret` (member QR codes and webhook
 * signatures depend on it), `pgdata/…` and, with media on disk, `media/…` (product images: MEDIA_DIR as it
 * was at the copy, hard-linked aside in the same pause, so every picture row has its files).
 */
export const BACKUP_FORMAT = 'musubi-backup';
const BACKUP_VERSION = 1;

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  musubiVersion: string;
  /** Migrations the database had applied: the release whose schema this is. */
  migrations: string[];
  /** Milliseconds the database was paused while its files were copied. */
  pausedMs: number;
}

/** Whether this database has files that makeBackup can copy (the embedded database in a DATA_DIR). */
export function canBackUp(database: Database): boolean {
  const dir = database.pglite?.dataDir;
  return database.kind === 'pglite' && !!dir && isAbsolute(dir) && existsSync(join(dir, 'PG_VERSION'));
}

/** Copy the database aside and return the archive as a gzip stream (the copy is removed when it ends). */
export async function makeBackup(
  database: Database,
  musubiVersion: string,
  opts: { mediaDir?: string | undefined } = {},
): Promise<{ manifest: BackupManifest; stream: Readable }> {
  if (!canBackUp(database)) throw new Error('makeBackup: the embedded database in a DATA_DIR only');
  const pglite = database.pglite!;
  const pgdata = pglite.dataDir!;
  const dataDir = dirname(pgdata);
  const snapshot = join(dataDir, `.backup-${process.pid}-${Date.now()}`);
  const mediaSnapshot = opts.mediaDir && existsSync(opts.mediaDir) ? `${snapshot}-media` : undefined;
  const { rows } = await pglite.query<{ created_at: string }>(
    'SELECT created_at FROM drizzle.__drizzle_migrations ORDER BY created_at',
  );
  const tags = new Map(readMigrations().map((m) => [m.createdAt, m.tag]));
  const started = performance.now();
  try {
    // Reflinked where the file system can (btrfs, XFS), copied otherwise; same file system as DATA_DIR.
    await pglite._runExclusiveQuery(async () => {
      await cp(pgdata, snapshot, { recursive: true, mode: constants.COPYFILE_FICLONE });
      // Media files never change once written: a hard link each is a copy that costs no space.
      if (mediaSnapshot) await linkTree(opts.mediaDir!, mediaSnapshot);
    });
  } catch (err) {
    await rm(snapshot, { recursive: true, force: true });
    if (mediaSnapshot) await rm(mediaSnapshot, { recursive: true, force: true });
    throw err;
  }
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    createdAt: new Date().toISOString(),
    musubiVersion,
    migrations: rows.map((r) => tags.get(Number(r.created_at)) ?? String(r.created_at)),
    pausedMs: Math.round(performance.now() - started),
  };
  const secretFile = join(dataDir, 'secret');
  const secret = existsSync(secretFile) ? readFileSync(secretFile) : undefined;
  async function* archive() {
    try {
      yield* tarEntry({
        name: 'manifest.json',
        type: 'file',
        data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`),
      });
      if (secret) yield* tarEntry({ name: 'secret', type: 'file', data: secret, mode: 0o600 });
      yield* tarDirectory(snapshot, 'pgdata');
      if (mediaSnapshot) yield* tarDirectory(mediaSnapshot, 'media');
      yield tarEnd();
    } finally {
      await rm(snapshot, { recursive: true, force: true });
      if (mediaSnapshot) await rm(mediaSnapshot, { recursive: true, force: true });
    }
  }
  return { manifest, stream: Readable.from(archive(), { objectMode: false }).pipe(createGzip()) };
}

/** Hard-link every file under `from` into `to` (copied where links cannot be made: another file system). */
async function linkTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const [src, dst] = [join(from, entry.name), join(to, entry.name)];
    if (entry.isDirectory()) await linkTree(src, dst);
    // A file still being written (its temporary name) is not a picture yet.
    else if (entry.isFile() && !entry.name.includes('.tmp-')) await link(src, dst).catch(() => copyFile(src, dst));
  }
}

/** Read and check an archive made by makeBackup. */
export async function openBackup(
  archive: Buffer,
): Promise<{ manifest: BackupManifest; entries: ReturnType<typeof readTar> }> {
  let entries: ReturnType<typeof readTar>;
  try {
    entries = readTar(await promisify(gunzip)(archive));
  } catch (err) {
    throw new Error(`Not a Musubi backup (not a gzip'd tar): ${(err as Error).message}`);
  }
  const manifestFile = entries.find((e) => e.name === 'manifest.json')?.data;
  const manifest = manifestFile ? (JSON.parse(manifestFile.toString('utf8')) as BackupManifest) : undefined;
  if (!manifest || manifest.format !== BACKUP_FORMAT || !entries.some((e) => e.name === 'pgdata/PG_VERSION')) {
    throw new Error('Not a Musubi backup: manifest.json or pgdata/ is missing');
  }
  if (manifest.version > BACKUP_VERSION)
    throw new Error(`This backup has format version ${manifest.version}; this Musubi reads up to ${BACKUP_VERSION}`);
  for (const e of entries) {
    if (isAbsolute(e.name) || normalize(e.name).startsWith('..'))
      throw new Error(`Not a Musubi backup: unsafe path ${e.name}`);
  }
  return { manifest, entries };
}

/**
 * Write a fresh DATA_DIR from an archive, then open it once — Postgres replays its log up to the instant of
 * the copy — and shut it down cleanly. Refuses a directory that holds anything.
 */
export async function restoreBackup(
  archive: Buffer,
  dataDir: string,
): Promise<{ manifest: BackupManifest; counts: Record<string, number> }> {
  const dir = resolve(dataDir);
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new Error(`${dir} is not empty: restore writes a fresh DATA_DIR only`);
  const { manifest, entries } = await openBackup(archive);
  mkdirSync(dir, { recursive: true });
  const unlock = lockDataDir(dir);
  try {
    for (const entry of entries) {
      if (entry.name === 'manifest.json') continue;
      const path = join(dir, entry.name);
      if (entry.type === 'dir') mkdirSync(path, { recursive: true, mode: 0o700 });
      else writeFileSync(path, entry.data!, { mode: entry.mode ?? 0o600 });
    }
    const pglite = await PGlite.create(join(dir, 'pgdata'));
    try {
      return {
        manifest,
        counts: await countRows(
          async (statement) => (await pglite.query<{ tablename: string; n?: number }>(statement)).rows,
        ),
      };
    } finally {
      await pglite.close();
    }
  } finally {
    unlock();
  }
}

/** Exact row counts of every table in the public schema, by name. */
export async function countRows(
  run: (statement: string) => Promise<Array<{ tablename: string; n?: number }>>,
): Promise<Record<string, number>> {
  const tables = await run("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
  if (tables.length === 0) return {};
  const union = tables
    .map((t) => `SELECT '${t.tablename}' AS tablename, count(*)::int AS n FROM "${t.tablename}"`)
    .join(' UNION ALL ');
  return Object.fromEntries((await run(union)).map((c) => [c.tablename, Number(c.n)]));
}
