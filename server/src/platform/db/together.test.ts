import { eq, sql } from 'drizzle-orm';
import { integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { databaseTargets } from '../../test/harness.ts';
import { migrate } from './migrate.ts';
import { outbox, settings } from './platform-schema.ts';
import { inTransaction } from './tx.ts';
import { insertRows, Refused, writeTogether } from './together.ts';
import type { Database } from './connection.ts';

for (const target of databaseTargets) {
  describe(`writeTogether [${target.name}]`, () => {
    const withDb = async (work: (database: Database) => Promise<void>) => {
      const opened = await target.open();
      try {
        await migrate(opened.database);
        await work(opened.database);
      } finally {
        await opened.dispose();
      }
    };

    it('writes several tables in one statement and decodes the rows as Drizzle does', () =>
      withDb(async ({ db }) => {
        const key = `together_${Date.now()}`;
        const written = await writeTogether(db, {
          setting: [settings, db.insert(settings).values({ key, value: 'v1' }).returning()],
          messages: [
            outbox,
            db
              .insert(outbox)
              .values([
                {
                  channel: 'email',
                  recipient: 'a@example.com',
                  template: 't',
                  payload: { n: 1, nested: { ok: true } },
                },
                {
                  channel: 'webhook',
                  recipient: 'wh_1',
                  template: 't',
                  payload: 'just a string' as unknown as Record<string, unknown>,
                },
              ])
              .returning(),
          ],
        });
        expect(written.setting).toHaveLength(1);
        expect(written.setting[0]!.updatedAt).toBeInstanceOf(Date);
        const [read] = await db.select().from(settings).where(eq(settings.key, key));
        expect(written.setting[0]).toEqual(read);
        expect(written.messages.map((m) => m.payload)).toEqual([{ n: 1, nested: { ok: true } }, 'just a string']);
        expect(typeof written.messages[0]!.id).toBe('number');
        const fromDb = await db.select().from(outbox).where(eq(outbox.id, written.messages[1]!.id));
        expect(written.messages[1]).toEqual(fromDb[0]);
      }));

    it('insertRows writes many rows with one parameter, defaults where a column is left out, as Drizzle would', () =>
      withDb(async ({ db }) => {
        const rows = [
          { channel: 'email', recipient: 'a@example.com', template: 't', payload: { n: 1 } },
          { channel: 'line', recipient: 'U123', template: 't', payload: { n: 2, ja: '受け取り' }, lastError: null },
        ];
        const written = await writeTogether(db, { messages: [outbox, insertRows(outbox, rows)] });
        expect(
          written.messages.map((m) => [m.channel, m.payload, m.attempts, m.sentAt, m.createdAt instanceof Date]),
        ).toEqual([
          ['email', { n: 1 }, 0, null, true],
          ['line', { n: 2, ja: '受け取り' }, 0, null, true],
        ]);
        const stored = await db.select().from(outbox).where(eq(outbox.id, written.messages[1]!.id));
        expect(written.messages[1]).toEqual(stored[0]);
        expect(() =>
          insertRows(settings, [
            { key: 'a', value: 'b', updatedAt: new Date() },
            { key: 'c', value: 'd' },
          ]),
        ).toThrow(/some rows only/);
      }));

    it("insertRows keeps Drizzle's defaults computed in JavaScript, and a literal default left out of some rows", () =>
      withDb(async ({ db }) => {
        // A table of the test's own: no table of ours has a $defaultFn today, and the next one must work.
        const tickets = pgTable('together_tickets', {
          id: serial().primaryKey(),
          code: text()
            .notNull()
            .$defaultFn(() => `t-${(n += 1)}`),
          tries: integer().notNull().default(0),
          touchedAt: timestamp({ withTimezone: true }).$onUpdate(() => new Date('2026-12-07T00:00:00Z')),
        });
        let n = 0;
        await db.execute(
          sql`CREATE TABLE together_tickets (id serial PRIMARY KEY, code text NOT NULL, tries integer NOT NULL DEFAULT 0, touched_at timestamptz)`,
        );
        await db.execute(insertRows(tickets, [{}, { tries: 3 }, { code: 'own' }], { returning: false }));
        const rows = await db.select().from(tickets).orderBy(tickets.id);
        expect(rows.map((r) => [r.code, r.tries, r.touchedAt?.toISOString()])).toEqual([
          ['t-1', 0, '2026-12-07T00:00:00.000Z'],
          ['t-2', 3, '2026-12-07T00:00:00.000Z'],
          ['own', 0, '2026-12-07T00:00:00.000Z'],
        ]);
      }));

    it('an update that matches nothing returns no rows; the caller throws and the transaction keeps nothing', () =>
      withDb(async ({ db }) => {
        const key = `guard_${Date.now()}`;
        await expect(
          inTransaction(db, async (tx) => {
            const w = await writeTogether(
              tx,
              {
                guard: [
                  settings,
                  tx.update(settings).set({ value: 'x' }).where(eq(settings.key, 'no such key')).returning(),
                ],
                row: [settings, tx.insert(settings).values({ key, value: 'kept?' }).returning()],
              },
              { also: (ref) => [sql`(SELECT count(*) FROM ${ref('row')})`] },
            );
            expect(w.guard).toEqual([]);
            expect(w.row).toHaveLength(1);
            throw new Error('guard failed');
          }),
        ).rejects.toThrow('guard failed');
        expect(await db.select().from(settings).where(eq(settings.key, key))).toEqual([]);
      }));

    it('a check that gives a reason undoes the whole statement, without a transaction', () =>
      withDb(async ({ db }) => {
        const key = `check_${Date.now()}`;
        const write = (guardKey: string) =>
          writeTogether(
            db,
            {
              guard: [
                settings,
                db.update(settings).set({ value: 'taken' }).where(eq(settings.key, guardKey)).returning(),
              ],
              row: [settings, db.insert(settings).values({ key, value: 'v' }).returning()],
            },
            {
              check: (ref) =>
                sql`CASE WHEN (SELECT count(*) FROM ${ref('guard')}) = 1 THEN NULL ELSE 'guard not taken' END`,
            },
          );
        const refused = await write('no such key').catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(Refused);
        expect((refused as Refused).reason).toBe('guard not taken');
        expect(await db.select().from(settings).where(eq(settings.key, key))).toEqual([]);
        await db.insert(settings).values({ key: `${key}_guard`, value: 'free' });
        const done = await write(`${key}_guard`);
        expect(done.row).toHaveLength(1);
        expect(await db.select().from(settings).where(eq(settings.key, key))).toHaveLength(1);
      }));
  });
}
