import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { query } from '../../platform/db/connection.ts';
import { deliverOutbox } from '../../platform/dispatcher.ts';
import { createTestProduct, describeEachDatabase, type TestApp } from '../../test/harness.ts';
import { natsChannel, NATS_STREAM, type NatsChannel } from './jetstream.ts';

const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** Whether the local NATS server answers (the tests are skipped without one). */
const reachable = await new Promise<boolean>((resolve) => {
  const { hostname, port } = new URL(NATS_URL);
  const socket = net.connect({ host: hostname, port: Number(port || 4222) });
  socket.setTimeout(1000);
  socket.once('connect', () => resolve(true));
  socket.once('error', () => resolve(false));
  socket.once('timeout', () => resolve(false));
  socket.once('close', () => socket.destroy());
});

async function publish(app: TestApp, nats: NatsChannel, at = Date.now()) {
  return deliverOutbox(
    app.server.database.db,
    { event: app.server.subscribers.channel(), nats },
    { now: () => new Date(at + 1500) },
  );
}

/** The stream's messages after `seq` on `subject`, read one by one (works with any JetStream server version). */
async function readAfter(nc: NatsConnection, seq: number, subject: string) {
  const jsm = await jetstreamManager(nc);
  const last = (await jsm.streams.info(NATS_STREAM)).state.last_seq;
  const out: Array<{ id: string | undefined; body: Record<string, any> }> = [];
  for (let s = seq + 1; s <= last; s++) {
    const m = await jsm.streams.getMessage(NATS_STREAM, { seq: s }).catch(() => null);
    if (m?.subject === subject) out.push({ id: m.header?.get('Nats-Msg-Id'), body: m.json() });
  }
  return out;
}

if (!reachable) it.skip(`NATS JetStream at ${NATS_URL} is not reachable`, () => {});
else
  describeEachDatabase(
    'NATS JetStream: every event also published, at least once, deduplicated by its id',
    (ctx) => {
      const channels: NatsChannel[] = [];
      let nc: NatsConnection;
      const open = (url = NATS_URL) => {
        const c = natsChannel({ url, timeoutMs: 1000 });
        channels.push(c);
        return c;
      };
      beforeAll(async () => {
        // Event ids are unique within one database; every test run makes a new one and the local server's
        // stream remembers ids for an hour: start this database's ids where no earlier run's were.
        await query(
          ctx().server.database.db,
          sql`SELECT setval('outbox_id_seq', ${Date.now() * 1000 + Math.floor(Math.random() * 1000)})`,
        );
      });
      afterAll(async () => {
        for (const c of channels) await c.close();
        await nc?.close();
      });

      it('price.changed reaches musubi.price.changed in the stream MUSUBI, with the event id as Nats-Msg-Id; a second publish is a duplicate', async () => {
        const app = ctx();
        const nats = open();
        nc = await connect({ servers: NATS_URL });
        const jsm = await jetstreamManager(nc);
        // The stream is made on the first publish if missing; read where it stands now (0 if it is not there yet).
        const lastSeq = await jsm.streams
          .info(NATS_STREAM)
          .then((i) => i.state.last_seq)
          .catch(() => 0);
        const { variantIds } = await createTestProduct(app);
        await app.api('PATCH', `/api/variants/${variantIds[0]}`, { body: { price: 1210 } });
        await publish(app, nats);
        const info = await jsm.streams.info(NATS_STREAM);
        expect(info.config.subjects).toContain('musubi.>');
        const got = (await readAfter(nc, lastSeq, 'musubi.price.changed')).filter(
          (m) => m.body.data.variantId === variantIds[0],
        );
        expect(got).toHaveLength(1);
        expect(got[0]!.body).toMatchObject({ event: 'price.changed', data: { price: 1210, previousPrice: 1100 } });
        expect(got[0]!.id).toBe(got[0]!.body.id);
        expect(got[0]!.id).toMatch(/^evt_\d+$/);

        // The same outbox row published again (a crash before its record): the stream keeps one.
        const db = app.server.database.db;
        await query(
          db,
          sql`UPDATE outbox SET sent_at = NULL WHERE channel = 'nats' AND payload ->> 'id' = ${got[0]!.id!}`,
        );
        expect((await publish(app, nats)).sent).toBe(1);
        const again = (await readAfter(nc, lastSeq, 'musubi.price.changed')).filter(
          (m) => m.body.data.variantId === variantIds[0],
        );
        expect(again).toHaveLength(1);
        // product.created went to its own subject.
        expect(
          (await readAfter(nc, lastSeq, 'musubi.product.created')).some((m) =>
            m.body.data.product.variants.some((v: { id: string }) => v.id === variantIds[0]),
          ),
        ).toBe(true);
      });

      it('NATS down: requests go on, the events wait in the outbox and go out when it is back', async () => {
        const app = ctx();
        const down = open('nats://127.0.0.1:1'); // nothing listens there
        const { variantIds } = await createTestProduct(app);
        const res = await app.api('PATCH', `/api/variants/${variantIds[0]}`, { body: { price: 1320 } });
        expect(res.statusCode).toBe(200);
        const failed = await publish(app, down);
        expect(failed.failed).toBeGreaterThan(0);
        expect(failed.dead).toBe(0);
        const waiting = await query<{ attempts: number; last_error: string }>(
          app.server.database.db,
          sql`SELECT attempts, last_error FROM outbox WHERE channel = 'nats' AND sent_at IS NULL AND dead_at IS NULL
                AND payload -> 'data' ->> 'variantId' = ${variantIds[0]!}`,
        );
        expect(waiting).toHaveLength(1);
        expect(waiting[0]!.last_error).toMatch(/^nats: /);

        const back = open();
        const lastSeq = (await (await jetstreamManager(nc)).streams.info(NATS_STREAM)).state.last_seq;
        await publish(app, back, Date.now() + 10_000); // after the retry's backoff
        const got = (await readAfter(nc, lastSeq, 'musubi.price.changed')).filter(
          (m) => m.body.data.variantId === variantIds[0],
        );
        expect(got.map((m) => m.body.data.price)).toEqual([1320]);
      });
    },
    { env: { NATS_URL } },
  );
