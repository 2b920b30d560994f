import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../platform/db/connection.ts';
import { migrate } from '../platform/db/migrate.ts';

/**
 * Run initdb and the migrations once, and hand every test file a dump of that database: loading a dump
 * takes ~0.4 s where initdb takes ~2–5 s. Compile the server as `npm start` runs it (scripts/build.mjs)
 * for the tests that start it as a process of its own (processes.ts): they test what operators run, and
 * it starts in half the time.
 */
export default async function setup() {
  const { compileServerToCache } = await import('../../scripts/build.mjs');
  const compiled = await compileServerToCache('musubi-test-server-');
  process.env.MUSUBI_TEST_SERVER = join(compiled, 'main.mjs');

  const dir = mkdtempSync(join(tmpdir(), 'musubi-test-'));
  const database = await openDatabase({ dataDir: 'memory' });
  await migrate(database);
  const dump = await database.pglite!.dumpDataDir('none');
  const file = join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await database.close();
  process.env.MUSUBI_TEST_PGLITE_TEMPLATE = file;
  return () => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(compiled, { recursive: true, force: true });
  };
}
