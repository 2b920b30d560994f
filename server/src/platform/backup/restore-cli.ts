import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { restoreBackup } from './backup.ts';

/**
 * `npm run restore -- musubi.tar.gz --data-dir ./data-restored`: write a fresh DATA_DIR from a backup.
 * Start Musubi on it with DATA_DIR=./data-restored; it applies any newer migrations at start.
 */
async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'data-dir': { type: 'string' } } });
  const [file] = positionals;
  const dataDir = values['data-dir'];
  if (!file || !dataDir) throw new Error('Usage: npm run restore -- <backup.tar.gz> --data-dir <new empty directory>');
  // npm runs workspace scripts in server/: relative paths are relative to where the command was typed.
  const base = process.env.INIT_CWD ?? process.cwd();
  const target = resolve(base, dataDir);
  const { manifest, counts } = await restoreBackup(readFileSync(resolve(base, file)), target);
  const rows = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(
    `restored ${Object.keys(counts).length} tables, ${rows} rows (backup of ${manifest.createdAt}, schema ${manifest.migrations.at(-1)}) into ${target}`,
  );
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
