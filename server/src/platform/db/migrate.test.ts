import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createTempDatabase, databaseTargets } from '../../test/harness.ts';
import { openDatabase, query, type Database } from './connection.ts';
import {
  migrate,
  migrateOrCheck,
  migrationsFolder,
  NO_TRANSACTION_MARKER,
  pendingMigrations,
  readMigrations,
} from './migrate.ts';

/** A copy of server/drizzle with one more migration appended to the journal. */
function folderWith(tag: string, body: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'musubi-migrations-'));
  cpSync(migrationsFolder, folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as {
    entries: Array<{ idx: number; when: number; tag: string }>;
  };
  const last = journal.entries.at(-1)!;
  journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1, tag });
  writeFileSync(journalPath, JSON.stringify(journal));
  writeFileSync(join(folder, `${tag}.sql`), body);
  folders.push(folder);
  return folder;
}
const folders: string[] = [];
afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

const concurrentIndex = folderWith(
  '9001_orders_status_index',
  [
    NO_TRANSACTION_MARKER,
    '-- a failed concurrent build leaves an invalid index behind: drop it first so a rerun builds it again',
    'DROP INDEX CONCURRENTLY IF EXISTS "orders_status_created_at_index";',
    '--> statement-breakpoint',
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS "orders_status_created_at_index" ON "orders" USING btree ("status", "created_at");',
  ].join('\n'),
);

async function indexState(database: Database, name: string) {
  const rows = await query<{ valid: boolean }>(
    database.db,
    sql`SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = ${name}`,
  );
  return rows[0];
}

async function recordedCount(database: Database) {
  const [row] = await query<{ n: number }>(
    database.db,
    sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`,
  );
  return row!.n;
}

describe('migrations', () => {
  it('reads the journal in order and tells the marker apart', () => {
    const ours = readMigrations();
    expect(ours.map((m) => m.tag)).toEqual([...ours.map((m) => m.tag)].sort());
    expect(ours.every((m) => m.transactional)).toBe(true);
    const extra = readMigrations(concurrentIndex).at(-1)!;
    expect(extra).toMatchObject({ tag: '9001_orders_status_index', transactional: false });
    expect(extra.statements).toHaveLength(2);
  });
});

for (const target of databaseTargets) {
  describe(`migrate [${target.name}]`, () => {
    const withDb = async (work: (database: Database) => Promise<void>) => {
      const opened = await target.open();
      try {
        await work(opened.database);
      } finally {
        await opened.dispose();
      }
    };

    it('builds an index CONCURRENTLY outside a transaction, records it, and never runs it twice', () =>
      withDb(async (database) => {
        await migrate(database);
        expect(await pendingMigrations(database, concurrentIndex)).toEqual(['9001_orders_status_index']);
        expect(await migrate(database, { folder: concurrentIndex })).toEqual(['9001_orders_status_index']);
        expect(await indexState(database, 'orders_status_created_at_index')).toEqual({ valid: true });
        expect(await migrate(database, { folder: concurrentIndex })).toEqual([]);
        expect(await pendingMigrations(database, concurrentIndex)).toEqual([]);
        expect(await recordedCount(database)).toBe(readMigrations(concurrentIndex).length);
      }));

    it('a failing migration leaves nothing of itself and is tried again next time', () =>
      withDb(async (database) => {
        await migrate(database);
        const broken = folderWith(
          '9002_broken',
          'CREATE TABLE "half_done" ("id" text);\n--> statement-breakpoint\nALTER TABLE "no_such_table" ADD COLUMN "x" int;',
        );
        await expect(migrate(database, { folder: broken })).rejects.toThrow(/no_such_table/);
        const [exists] = await query<{ present: boolean }>(
          database.db,
          sql`SELECT to_regclass('half_done') IS NOT NULL AS present`,
        );
        expect(exists!.present).toBe(false);
        expect(await pendingMigrations(database, broken)).toEqual(['9002_broken']);
      }));

    it('with MUSUBI_MIGRATE_ON_START off, start-up refuses a database that lacks this release’s migrations', () =>
      withDb(async (database) => {
        await migrate(database);
        await expect(migrateOrCheck(database, false)).resolves.toBeUndefined();
        const newer = folderWith('9003_newer', 'SELECT 1;');
        expect(await pendingMigrations(database, newer)).toEqual(['9003_newer']);
        await migrate(database, { upTo: '0009_card_refund_keys' }); // nothing to do: the database is ahead
        expect(await pendingMigrations(database)).toEqual([]);
      }));
  });
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('migrate [postgres, two copies starting together]', () => {
  it('both finish, each migration is applied once, and the concurrent index build does not deadlock the waiting copy', async () => {
    const temp = await createTempDatabase(process.env.TEST_DATABASE_URL!);
    const copies = await Promise.all([
      openDatabase({ databaseUrl: temp.url, poolSize: 2 }),
      openDatabase({ databaseUrl: temp.url, poolSize: 2 }),
    ]);
    try {
      const results = await Promise.all(copies.map((c) => migrate(c, { folder: concurrentIndex })));
      const all = readMigrations(concurrentIndex).map((m) => m.tag);
      expect([...results[0]!, ...results[1]!].sort()).toEqual(all);
      expect(await recordedCount(copies[0]!)).toBe(all.length);
      expect(await indexState(copies[0]!, 'orders_status_created_at_index')).toEqual({ valid: true });
    } finally {
      await Promise.all(copies.map((c) => c.close()));
      await temp.drop();
    }
  });
});

describe('migrateOrCheck', () => {
  it('names the missing migrations and the command to run', async () => {
    const database = await openDatabase({ dataDir: 'memory' });
    try {
      await migrate(database, { upTo: '0008_coupon_release' });
      await expect(migrateOrCheck(database, false)).rejects.toThrow(
        /0009_card_refund_keys, 0010_table_changed.*npm run migrate/,
      );
      await migrateOrCheck(database, true);
      expect(await pendingMigrations(database)).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
