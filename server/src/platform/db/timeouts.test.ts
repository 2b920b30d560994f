import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, query, type Database } from './connection.ts';
import { sqlState } from './tx.ts';
import Fastify from 'fastify';
import { errorHandler } from '../http/problem.ts';

const serverUrl = process.env.TEST_DATABASE_URL;

/** The Postgres server's pool gives up on what would otherwise wait for ever (the embedded database has no pool). */
describe.skipIf(!serverUrl)('pool and statement timeouts [postgres]', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({
      databaseUrl: serverUrl,
      poolSize: 2,
      timeouts: { connectMs: 500, statementMs: 300, idleInTransactionMs: 400 },
    });
  });
  afterAll(async () => database?.close());

  it('sets 15 s statements and 30 s idle transactions by default', async () => {
    const defaults = await openDatabase({ databaseUrl: serverUrl, poolSize: 1 });
    try {
      const [row] = await query<{ statement: string; idle: string }>(
        defaults.db,
        sql`SELECT current_setting('statement_timeout') AS statement, current_setting('idle_in_transaction_session_timeout') AS idle`,
      );
      expect(row).toEqual({ statement: '15s', idle: '30s' });
    } finally {
      await defaults.close();
    }
  });

  it('cancels a statement that runs past statement_timeout', async () => {
    const err = await database.db.execute(sql`SELECT pg_sleep(5)`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(sqlState(err)).toBe('57014'); // query_canceled
    // The connection is fine afterwards.
    expect(await query(database.db, sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
  });

  it('ends a session left idle inside a transaction', async () => {
    const client = await database.pool!.connect();
    let broken: Error | undefined;
    try {
      client.on('error', () => {}); // the server's FATAL arrives as an error event on the idle client
      await client.query('BEGIN');
      await new Promise((r) => setTimeout(r, 1200));
      await client.query('SELECT 1').catch((e: Error) => (broken = e));
    } finally {
      client.release(true);
    }
    expect(broken).toBeDefined();
  });

  it('stops waiting for a connection when the pool stays full', async () => {
    const held = await Promise.all([database.pool!.connect(), database.pool!.connect()]);
    try {
      const err = await database.db.execute(sql`SELECT 1`).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(String((err?.cause as Error | undefined)?.message)).toMatch(/timeout exceeded when trying to connect/);
    } finally {
      held.forEach((c) => c.release());
    }
  });

  it('tells the caller the service is unavailable (503), not that it broke (500), when a timeout strikes', async () => {
    const app = Fastify();
    app.setErrorHandler(errorHandler);
    app.get('/slow', async () => database.db.execute(sql`SELECT pg_sleep(5)`));
    app.get('/crowded', async () => {
      const held = await Promise.all([database.pool!.connect(), database.pool!.connect()]);
      try {
        return await database.db.execute(sql`SELECT 1`);
      } finally {
        held.forEach((c) => c.release());
      }
    });
    try {
      for (const url of ['/slow', '/crowded']) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(503);
        expect(res.json().code).toBe('platform.unavailable');
      }
    } finally {
      await app.close();
    }
  });
});
