import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTempDatabase, describeEachDatabase } from '../../test/harness.ts';
import { openDatabase } from '../db/connection.ts';
import { LISTEN_APPLICATION_NAME } from '../db/listen.ts';
import { EventHub, publish, type BusEvent } from './hub.ts';

const serverUrl = process.env.TEST_DATABASE_URL;

async function until(test: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeEachDatabase('event hub replay', (ctx) => {
  it('gives a listener that comes back the events it missed, while this copy still holds them', async () => {
    const hub = new EventHub(ctx().server.database, { replay: 3 });
    await hub.start();
    try {
      const heard: Array<{ id: string; event: BusEvent }> = [];
      hub.subscribe((event, id) => event.topic === 'hub_test' && heard.push({ id, event }));
      const start = hub.lastEventId;
      for (let n = 1; n <= 5; n++) await publish(ctx().server.database.db, 'hub_test', { n });
      await until(() => heard.length === 5, 'five events');
      const ns = (events: Array<{ event: BusEvent }> | undefined) => events?.map((e) => e.event.data.n);

      expect(new Set(heard.map((e) => e.id)).size).toBe(5);
      expect(ns(hub.since(heard[1]!.id))).toEqual([3, 4, 5]);
      expect(ns(hub.since(heard[4]!.id))).toEqual([]);
      expect(hub.since(hub.lastEventId)).toEqual([]);
      // only the last three are kept: from further back the gap cannot be told
      expect(hub.since(heard[0]!.id)).toBeUndefined();
      expect(hub.since(start)).toBeUndefined();
      // another copy's ids, ids from the future, and junk are not ours to replay
      expect(hub.since(`${hub.copyId === 'ffffffff' ? '00000000' : 'ffffffff'}.1`)).toBeUndefined();
      expect(hub.since(`${hub.copyId}.zz`)).toBeUndefined();
      expect(hub.since('nonsense')).toBeUndefined();
      expect(ctx().server.database.listenStatus().connected).toBe(true);
    } finally {
      await hub.close();
    }
  });
});

describe.skipIf(!serverUrl)('event hub across a LISTEN gap on the Postgres server', () => {
  it('tells subscribers once per gap, and nothing from before the gap counts as replayable', async () => {
    const temp = await createTempDatabase(serverUrl!);
    const database = await openDatabase({ databaseUrl: temp.url, poolSize: 2 });
    const hub = new EventHub(database);
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await hub.start();
      const heard: string[] = [];
      const resyncs: string[] = [];
      hub.subscribe((event, id) => heard.push(id));
      hub.onResync((reason) => resyncs.push(reason));
      await publish(database.db, 'hub_test', { n: 1 });
      await until(() => heard.length === 1, 'the first event');
      const beforeGap = heard[0]!;
      expect(hub.since(beforeGap)).toEqual([]);

      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = $2',
        [LISTEN_APPLICATION_NAME, new URL(temp.url).pathname.slice(1)],
      );
      await until(() => resyncs.length === 1, 'the resync');
      expect(resyncs).toEqual(['database_reconnected']);
      expect(hub.listenStatus).toEqual({ connected: true, reconnects: 1 });
      expect(hub.since(beforeGap)).toBeUndefined();

      const afterGap = hub.lastEventId;
      await publish(database.db, 'hub_test', { n: 2 });
      await until(() => heard.length === 2, 'an event after the gap');
      expect(hub.since(afterGap)?.map((e) => e.event.data.n)).toEqual([2]);
      await new Promise((r) => setTimeout(r, 300));
      expect(resyncs).toHaveLength(1);
      expect(heard).toHaveLength(2);
    } finally {
      await admin.end();
      await hub.close();
      await database.close();
      await temp.drop();
    }
  }, 30_000);
});
