import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDatabase } from '../../test/harness.ts';
import { backoff, LISTEN_APPLICATION_NAME, ListenConnection } from './listen.ts';

const serverUrl = process.env.TEST_DATABASE_URL;

describe('reconnect backoff', () => {
  it('doubles from the base up to the cap, each delay jittered within its upper half', () => {
    for (let attempt = 0; attempt < 30; attempt++) {
      const d = Math.min(30_000, 250 * 2 ** attempt);
      for (let i = 0; i < 20; i++) {
        const ms = backoff(attempt, 250, 30_000);
        expect(ms).toBeGreaterThanOrEqual(d / 2);
        expect(ms).toBeLessThanOrEqual(d);
      }
    }
  });
});

describe.skipIf(!serverUrl)('the LISTEN connection on the Postgres server', () => {
  let db: { url: string; drop(): Promise<void> };
  let admin: pg.Client;
  let name = '';
  beforeAll(async () => {
    db = await createTempDatabase(serverUrl!);
    name = new URL(db.url).pathname.slice(1);
    admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.end();
    await db.drop();
  });

  const listenBackends = async () =>
    (
      await admin.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = $2',
        [LISTEN_APPLICATION_NAME, name],
      )
    ).rows;
  const terminate = async () => {
    const killed = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = $2`,
      [LISTEN_APPLICATION_NAME, name],
    );
    expect(killed.rowCount).toBe(1);
  };
  const notify = async (channel: string, payload: string) => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query('SELECT pg_notify($1, $2)', [channel, payload]);
    await c.end();
  };
  const until = async (test: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await test())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  it('comes back once per drop: one connection, each NOTIFY heard once, three drops three resumes', async () => {
    const listener = new ListenConnection(db.url, { baseDelayMs: 50 });
    const heard: string[] = [];
    let resumes = 0;
    try {
      await listener.listen(
        'chan_a',
        (p) => heard.push(`a:${p}`),
        () => resumes++,
      );
      await listener.listen('chan_b', (p) => heard.push(`b:${p}`));
      expect(await listenBackends()).toHaveLength(1); // channels share the one connection
      for (let drop = 1; drop <= 3; drop++) {
        await terminate(); // the client sees both 'error' and 'end' for this
        await until(() => resumes === drop && listener.status.connected, `resume ${drop}`);
        expect(await listenBackends()).toHaveLength(1);
        await notify('chan_a', `${drop}`);
        await notify('chan_b', `${drop}`);
        await until(
          () => heard.includes(`b:${drop}`) && heard.includes(`a:${drop}`),
          `notifications after drop ${drop}`,
        );
      }
      await new Promise((r) => setTimeout(r, 500)); // room for a second reconnect loop or a late duplicate
      expect(heard).toEqual(['a:1', 'b:1', 'a:2', 'b:2', 'a:3', 'b:3']);
      expect(resumes).toBe(3);
      expect(listener.status).toEqual({ connected: true, reconnects: 3 });
      expect(await listenBackends()).toHaveLength(1);
    } finally {
      await listener.close();
    }
    await until(async () => (await listenBackends()).length === 0, 'the connection closed');
  }, 30_000);

  it('keeps trying while the database refuses connections, leaving no half-open clients, and resumes once', async () => {
    const listener = new ListenConnection(db.url, { baseDelayMs: 50, maxDelayMs: 200 });
    let resumes = 0;
    try {
      await listener.listen(
        'chan_a',
        () => {},
        () => resumes++,
      );
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await terminate();
      await until(() => !listener.status.connected, 'the drop noticed');
      await new Promise((r) => setTimeout(r, 1000)); // several refused attempts
      expect(listener.status.connected).toBe(false);
      expect(await listenBackends()).toHaveLength(0);
      expect(resumes).toBe(0);
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      await until(() => listener.status.connected, 'the reconnect');
      await new Promise((r) => setTimeout(r, 500));
      expect(resumes).toBe(1);
      expect(listener.status.reconnects).toBe(1);
      expect(await listenBackends()).toHaveLength(1);
    } finally {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      await listener.close();
    }
  }, 30_000);
});
