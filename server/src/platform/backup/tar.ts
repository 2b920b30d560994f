import { readdir, readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';

/**
 * Just enough of the POSIX ustar format for a backup archive (regular files and directories): `tar tzf`
 * and `tar xzf` read what this writes, and this reads it back. Node has gzip but no tar; a data directory
 * does not justify a dependency.
 */
const BLOCK = 512;

export interface TarEntry {
  name: string;
  type: 'file' | 'dir';
  data?: Buffer;
  mode?: number;
}

/** The 512-byte header of one entry. */
export function tarHeader(entry: {
  name: string;
  type: 'file' | 'dir';
  size: number;
  mode: number;
  mtime: Date;
}): Buffer {
  const header = Buffer.alloc(BLOCK);
  let name = entry.type === 'dir' && !entry.name.endsWith('/') ? `${entry.name}/` : entry.name;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', name.length - 2);
    [prefix, name] = [name.slice(0, cut), name.slice(cut + 1)];
    if (cut < 0 || Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155)
      throw new Error(`tar: name too long: ${entry.name}`);
  }
  header.write(name, 0, 100, 'utf8');
  octal(header, 100, 8, entry.mode);
  octal(header, 108, 8, 0); // uid
  octal(header, 116, 8, 0); // gid
  octal(header, 124, 12, entry.size);
  octal(header, 136, 12, Math.floor(entry.mtime.getTime() / 1000));
  header.fill(' ', 148, 156); // the checksum counts itself as spaces
  header.write(entry.type === 'dir' ? '5' : '0', 156, 'latin1');
  header.write('ustar\u000000', 257, 8, 'latin1');
  header.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return header;
}

/** One file (or directory) as tar blocks: header, data, padding. */
export function* tarEntry(entry: TarEntry, mtime = new Date()): Generator<Buffer> {
  const size = entry.type === 'file' ? (entry.data?.length ?? 0) : 0;
  yield tarHeader({
    name: entry.name,
    type: entry.type,
    size,
    mode: entry.mode ?? (entry.type === 'dir' ? 0o755 : 0o644),
    mtime,
  });
  if (size > 0) {
    yield entry.data!;
    if (size % BLOCK) yield Buffer.alloc(BLOCK - (size % BLOCK));
  }
}

/** A directory tree as tar entries under `as` (depth first, sorted, directories before their contents). */
export async function* tarDirectory(dir: string, as: string): AsyncGenerator<Buffer> {
  const info = await stat(dir);
  yield* tarEntry({ name: as, type: 'dir', mode: info.mode & 0o777 }, info.mtime);
  for (const item of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, item.name);
    const name = posix.join(as, item.name);
    if (item.isDirectory()) yield* tarDirectory(path, name);
    else if (item.isFile()) {
      const fileInfo = await stat(path);
      yield* tarEntry({ name, type: 'file', data: await readFile(path), mode: fileInfo.mode & 0o777 }, fileInfo.mtime);
    }
  }
}

export const tarEnd = (): Buffer => Buffer.alloc(BLOCK * 2);

/** The entries of a ustar archive, in order. */
export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  for (let offset = 0; offset + BLOCK <= archive.length;) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    if (header.subarray(257, 262).toString('latin1') !== 'ustar') throw new Error('tar: not a ustar archive');
    const name = cString(header.subarray(0, 100));
    const prefix = cString(header.subarray(345, 500));
    const size = parseInt(cString(header.subarray(124, 136)).trim() || '0', 8);
    const mode = parseInt(cString(header.subarray(100, 108)).trim() || '644', 8);
    const type = String.fromCharCode(header[156]!);
    const start = offset + BLOCK;
    if (start + size > archive.length) throw new Error('tar: archive is truncated');
    const full = (prefix ? `${prefix}/${name}` : name).replace(/\/$/, '');
    if (type === '5') entries.push({ name: full, type: 'dir', mode });
    else if (type === '0' || type === '\u0000')
      entries.push({ name: full, type: 'file', data: archive.subarray(start, start + size), mode });
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}

function octal(buf: Buffer, at: number, width: number, value: number) {
  buf.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, at, width, 'latin1');
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8');
}
