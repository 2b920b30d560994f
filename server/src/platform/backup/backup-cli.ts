import { renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openBackup } from './backup.ts';

/**
 * `npm run backup -- --url http://localhost:3000 --token … --out musubi.tar.gz`: ask the running server
 * (embedded database) for an online backup and write it to a file, checked before it is kept.
 * The token (an owner's) may also come from MUSUBI_TOKEN, to keep it out of the shell history.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://localhost:3000' },
      token: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const token = values.token ?? process.env.MUSUBI_TOKEN;
  if (!token) throw new Error('Give an owner token: --token … or MUSUBI_TOKEN=…');
  const res = await fetch(new URL('/api/backup', values.url), {
    headers: { authorization: `Bearer ${token}`, 'accept-language': 'en' },
  });
  if (!res.ok) {
    const problem = (await res.json().catch(() => ({}))) as { title?: string; detail?: string };
    throw new Error(
      `The server refused the backup (${res.status}): ${problem.title ?? ''} ${problem.detail ?? ''}`.trim(),
    );
  }
  const archive = Buffer.from(await res.arrayBuffer());
  const { manifest } = await openBackup(archive); // a damaged download fails here, not at restore time
  // npm runs workspace scripts in server/: a relative --out is relative to where the command was typed.
  const out = resolve(
    process.env.INIT_CWD ?? process.cwd(),
    values.out ??
      /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ??
      'musubi-backup.tar.gz',
  );
  writeFileSync(`${out}.partial`, archive, { mode: 0o600 });
  renameSync(`${out}.partial`, out);
  const last = manifest.migrations.at(-1);
  console.log(
    `${out}: ${(archive.length / 1e6).toFixed(1)} MB, schema ${last}, database paused ${manifest.pausedMs} ms`,
  );
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
