/**
 * Stall: the p99 of a mixed request load (product search, availability, a stock receipt) while the outbox
 * is being sent to healthy partners, against the same load while it is being sent to an SMTP server and a
 * webhook receiver that accept the connection and never answer. Messages keep arriving during both sides
 * (every 250 ms), so the silent partners' lanes stay full. Target: p99 with the stall ≤ 1.2 × without.
 * (Before delivery left the transaction, a silent mail server froze every request for ~30 s.)
 */
import { sql } from 'drizzle-orm';
import { Dispatcher } from '../server/src/platform/dispatcher.ts';
import type { Db } from '../server/src/platform/db/connection.ts';
import { smtpChannel } from '../server/src/modules/notifications/email.ts';
import { webhookChannel } from '../server/src/modules/notifications/webhooks.ts';
import { EgressGuard } from '../server/src/platform/egress.ts';
import { fakeReceiver, fakeSmtp } from '../server/src/test/partners.ts';
import {
  check,
  compare,
  figures,
  fmt,
  printTable,
  seconds,
  summarize,
  type HttpClient,
  type Outcome,
  type Side,
} from './lib.ts';
import { httpLoad } from './load-worker.ts';
import {
  BOOTSTRAP_TOKEN,
  createLocations,
  createProduct,
  openTarget,
  receive,
  startServer,
  TARGETS,
  timed,
} from './setup.ts';

const CONCURRENCY = 4;
const TIMEOUT_MS = 3000;
const TARGET = 1.2;

export const loadOps = {
  /** Search, availability, receipt, in turn: what a store's screens send all day. */
  mixed: (data: { variantId: string; locationId: string }, client: HttpClient): (() => Promise<Outcome>) => {
    let i = 0;
    return async () => {
      const k = i++ % 3;
      const res =
        k === 0
          ? await client.request('GET', '/api/products?q=%E5%82%98&limit=20')
          : k === 1
            ? await client.request('GET', `/api/availability?variantId=${data.variantId}`)
            : await client.request('POST', '/api/stock-movements', {
                variantId: data.variantId,
                locationId: data.locationId,
                kind: 'receipt',
                quantity: 1,
              });
      return res.status < 300 ? true : `HTTP ${res.status}`;
    };
  },
};

/** A side: the load, while a dispatcher sends the outbox to `smtpUrl` and webhook endpoint `endpointId`, topped up all along. */
function side(
  name: string,
  db: Db,
  port: number,
  data: { variantId: string; locationId: string },
  smtpUrl: string,
  endpointId: string,
): Side {
  return {
    name,
    run: async (durationMs, warmupMs) => {
      const mail = smtpChannel({ url: smtpUrl, from: 'Musubi <bench@musubi.test>', timeoutMs: TIMEOUT_MS });
      const dispatcher = new Dispatcher(
        db,
        {
          email: mail,
          webhook: webhookChannel(db, {
            timeoutMs: TIMEOUT_MS,
            egress: new EgressGuard({ allow: ['127.0.0.0/8'] }), // the bench's partners listen on loopback
          }),
        },
        { timeoutMs: TIMEOUT_MS + 500, pollMs: 100 },
      ).start();
      let n = 0;
      const topUp = setInterval(() => {
        const rows = Array.from({ length: 4 }, () => n++).flatMap((i) => [
          {
            channel: 'email',
            recipient: `bench${i}@example.jp`,
            template: 'order_cancelled',
            payload: { number: `B-${i}` },
          },
          { channel: 'webhook', recipient: endpointId, template: 'order.ready', payload: { data: { n: i } } },
        ]);
        void db
          .execute(
            sql`INSERT INTO outbox (channel, recipient, template, payload)
                             SELECT r->>'channel', r->>'recipient', r->>'template', r->'payload' FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) r`,
          )
          .catch((err) => console.error(err));
      }, 250);
      try {
        return await httpLoad({
          kind: 'module',
          module: import.meta.url,
          op: 'mixed',
          data,
          token: BOOTSTRAP_TOKEN,
          port,
          concurrency: CONCURRENCY,
          durationMs,
          warmupMs,
        });
      } finally {
        clearInterval(topUp);
        await dispatcher.stop();
        mail.close();
        // The next side starts from an empty queue.
        await db.execute(sql`UPDATE outbox SET sent_at = now() WHERE sent_at IS NULL AND dead_at IS NULL`);
      }
    },
  };
}

export async function benchStall(): Promise<void> {
  const rows: string[][] = [];
  for (const name of TARGETS) {
    const target = await timed(`${name}: database`, () => openTarget(name));
    const running = await startServer(target.database);
    const partners = {
      goodSmtp: await fakeSmtp(),
      silentSmtp: await fakeSmtp({ silentConnections: Number.MAX_SAFE_INTEGER }),
      goodHook: await fakeReceiver(),
      silentHook: await fakeReceiver({ silent: true }),
    };
    try {
      const db = target.database.db;
      const [locationId] = await createLocations(target.database, 1);
      const [variantId] = await createProduct(running.client, 'ストール計測の傘');
      await receive(running.client, variantId!, locationId!, 100_000);
      const endpoint = async (url: string) =>
        (
          await running.client.json<{ id: string }>(
            'POST',
            '/api/webhooks',
            { url, events: ['*'], secret: 'whsec_bench_0123456789abcdef', signature: 'legacy' },
            201,
          )
        ).id;
      const goodEp = await endpoint(partners.goodHook.url);
      const silentEp = await endpoint(partners.silentHook.url);
      const data = { variantId: variantId!, locationId: locationId! };
      const cmp = await compare(
        [
          side('calm', db, running.port, data, partners.goodSmtp.url, goodEp),
          side('stalled', db, running.port, data, partners.silentSmtp.url, silentEp),
        ],
        seconds.write,
      );
      const calm = summarize(cmp.get('calm'));
      const stalled = summarize(cmp.get('stalled'));
      const ratio = stalled.p99 / calm.p99;
      check(
        `stall ${name}: the healthy partners were sent to`,
        partners.goodSmtp.messages.length > 0 && partners.goodHook.got.length > 0,
        `${partners.goodSmtp.messages.length} mails, ${partners.goodHook.got.length} webhooks`,
      );
      check(
        `stall ${name}: the silent partners were held (connections open, no answer)`,
        partners.silentSmtp.connections > 0 && partners.silentHook.got.length > 0,
        `${partners.silentSmtp.connections} SMTP connections, ${partners.silentHook.got.length} webhook requests`,
      );
      check(
        `stall ${name}: no request failed`,
        calm.failed === 0 && stalled.failed === 0,
        `${fmt.failures(calm.failures)} / ${fmt.failures(stalled.failures)}`,
      );
      rows.push([
        name,
        fmt.int(calm.perSecond),
        fmt.ms(calm.p50),
        fmt.ms(calm.p99),
        fmt.int(stalled.perSecond),
        fmt.ms(stalled.p50),
        fmt.ms(stalled.p99),
        `${ratio.toFixed(2)} ×`,
      ]);
      figures.push({
        bench: 'stall',
        what: `${name} mixed load ×${CONCURRENCY}, p99 with a silent SMTP + webhook receiver`,
        value: fmt.ms(stalled.p99),
        baseline: `${fmt.ms(calm.p99)} (healthy partners)`,
        ratio: `${ratio.toFixed(2)} ×`,
        target: `≤ ${TARGET} × ${ratio <= TARGET ? 'met' : 'MISSED'}`,
      });
    } finally {
      await running.close();
      await Promise.all(Object.values(partners).map((p) => p.close()));
      await target.dispose();
    }
  }
  printTable(
    `Stall: mixed load (search, availability, receipt) ×${CONCURRENCY}, outbox sent to healthy vs silent partners (timeout ${TIMEOUT_MS} ms)`,
    ['database', 'calm req/s', 'calm p50', 'calm p99', 'stalled req/s', 'stalled p50', 'stalled p99', 'p99 ratio'],
    rows,
  );
}
