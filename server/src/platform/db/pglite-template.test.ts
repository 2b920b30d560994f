import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, query } from './connection.ts';
import { pgliteVersion, templateFile } from './pglite-template.ts';

describe('the embedded first start from the shipped empty cluster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-template-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships the empty cluster of the installed PGlite (npm run db:template --workspace server after an upgrade)', () => {
    expect(existsSync(templateFile()), `no ${templateFile()} for PGlite ${pgliteVersion()}`).toBe(true);
  });

  it(
    'a fresh DATA_DIR opens from it, with the small buffer cache, and opens again as an existing one',
    { timeout: 240_000 },
    async () => {
      const first = await openDatabase({ dataDir: dir });
      try {
        expect(existsSync(join(dir, 'pgdata', 'PG_VERSION'))).toBe(true);
        const [settings] = await query<{ shared_buffers: string; db: string }>(
          first.db,
          sql`SELECT current_setting('shared_buffers') AS shared_buffers, current_database() AS db`,
        );
        expect(settings).toEqual({ shared_buffers: '16MB', db: 'postgres' });
        await first.db.execute(sql`CREATE TABLE kept (n int)`);
        await first.db.execute(sql`INSERT INTO kept VALUES (7)`);
      } finally {
        await first.close();
      }
      const again = await openDatabase({ dataDir: dir, sharedBuffers: '32MB' });
      try {
        expect(await query(again.db, sql`SELECT n FROM kept`)).toEqual([{ n: 7 }]);
        const [s] = await query<{ v: string }>(again.db, sql`SELECT current_setting('shared_buffers') AS v`);
        expect(s!.v).toBe('32MB');
      } finally {
        await again.close();
      }
    },
  );
});
