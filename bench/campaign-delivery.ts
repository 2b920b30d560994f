/**
 * Delivering a campaign: after a send, the app's own outbox dispatcher (`server.dispatcher`, built by
 * server.ts with the real channels — SMTP, the LINE Messaging API, Web Push, each behind the consent check
 * and the click-through) sends a fixed sample of the queued messages to loopback partners (the tests'
 * doubles), while the campaign's page counters (`marketingProgress`) are read every second on a connection
 * of their own. Against the same claims, reads and updates per message as raw SQL with no partner, at the
 * dispatcher's concurrency: the ratio is what the partners' round trips and the sending itself (rendering,
 * SMTP, encryption and VAPID signing) cost over the database work.
 */
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { check, figures, fmt, note, printTable, quick } from './lib.ts';
import { loadConfig } from '../server/src/platform/config.ts';
import { openDatabase, type Database } from '../server/src/platform/db/connection.ts';
import type { Server } from '../server/src/server.ts';
import { marketingProgress } from '../server/src/modules/notifications/service.ts';
import type { FakeLineMessaging, FakePushService, FakeSmtp } from '../server/src/test/partners.ts';
import { rawQuery } from './setup.ts';

/** Messages sent per run: all of them at quick scale (~14 k), a sample of the ~70 k at 100 k members. */
const SAMPLE = 20_000;
const CHANNELS = ['email', 'line', 'push'] as const;

interface Options {
  database: Database;
  server: Server;
  campaignId: string;
  partners: { smtp: FakeSmtp; line: FakeLineMessaging; push: FakePushService };
}

/** Counts pg statements sent from this process, except on the clients of `ignore` (the progress reader). */
function countStatements(ignore: Set<pg.Client>) {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const state = { n: 0 };
  proto.query = function (this: pg.Client, ...args: unknown[]) {
    if (!ignore.has(this)) state.n++;
    return original.apply(this, args);
  };
  return { state, restore: () => (proto.query = original) };
}

/**
 * The dispatcher's work per message as raw SQL: claim one of a channel (SKIP LOCKED, leased; the dispatcher
 * claims each channel on its own), her consent, the browser for push, sent. Each worker starts on its own
 * channel and moves to another when its own has nothing left, so all of them stay busy.
 */
async function deliverBySql(pool: pg.Pool, workers: number, channels: readonly string[]): Promise<number> {
  let sent = 0;
  const token = randomUUID();
  const claim = async (channel: string) =>
    (
      await pool.query<{ id: string; channel: string; recipient: string; customer_id: string }>(
        `UPDATE outbox o SET lease_until = now() + interval '25 seconds', claim_token = $1, attempts = o.attempts + 1
           FROM (SELECT id FROM outbox
                  WHERE channel = $2 AND sent_at IS NULL AND dead_at IS NULL AND next_attempt_at <= now()
                    AND (lease_until IS NULL OR lease_until <= now())
                  ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) c
          WHERE o.id = c.id
        RETURNING o.id, o.channel, o.recipient, o.payload->>'customerId' AS customer_id`,
        [token, channel],
      )
    ).rows[0];
  const worker = async (w: number) => {
    const mine = [...channels.slice(w % channels.length), ...channels.slice(0, w % channels.length)];
    for (;;) {
      let m: Awaited<ReturnType<typeof claim>>;
      for (const channel of mine) if ((m = await claim(channel))) break;
      if (!m) return;
      await pool.query(
        `SELECT granted FROM customer_consents WHERE customer_id = $1 AND channel = $2 AND purpose = 'marketing'`,
        [m.customer_id, m.channel],
      );
      if (m.channel === 'push') await pool.query('SELECT * FROM push_subscriptions WHERE id = $1', [m.recipient]);
      await pool.query(
        `UPDATE outbox SET sent_at = now(), lease_until = NULL, last_error = NULL, last_status = 200
          WHERE id = $1 AND claim_token = $2`,
        [m.id, token],
      );
      sent++;
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  return sent;
}

type Progress = Awaited<ReturnType<typeof marketingProgress>>;

export async function benchDelivery({ database, server, campaignId, partners }: Options): Promise<void> {
  const key = `campaign:${campaignId}`;
  // A sample across the channels in their proportions; the rest put off a month. LINE and push queued in
  // quiet hours (21:00–08:00 in Japan) are held until 08:00: the sample comes due now, as at 08:00.
  const sample = (
    await rawQuery<{ id: string }>(
      database,
      `WITH s AS (SELECT id FROM outbox WHERE dedupe_key LIKE $1 AND channel <> 'event' ORDER BY md5(id::text) LIMIT $2)
       UPDATE outbox o SET next_attempt_at = CASE WHEN s.id IS NULL THEN now() + interval '30 days' ELSE now() END
         FROM outbox x LEFT JOIN s ON s.id = x.id
        WHERE o.id = x.id AND x.dedupe_key LIKE $1 AND x.channel <> 'event'
       RETURNING s.id`,
      [`${key}:%`, SAMPLE],
    )
  )
    .map((r) => r.id)
    .filter((id) => id !== null);
  await rawQuery(database, 'VACUUM ANALYZE outbox');
  const ids = sample.map(Number);
  const byChannel = async () =>
    rawQuery<{ channel: string; n: number; sent: number; dead: number; first: Date | null; last: Date | null }>(
      database,
      `SELECT channel, count(*)::int AS n, count(sent_at)::int AS sent, count(dead_at)::int AS dead,
              min(sent_at) AS first, max(sent_at) AS last
         FROM outbox WHERE id = ANY($1::bigint[]) GROUP BY channel ORDER BY channel`,
      [ids],
    );
  const before = await byChannel();
  const total = before.reduce((s, r) => s + r.n, 0);
  console.log(
    `\n## Campaign delivery: the outbox dispatcher sends ${fmt.int(total)} of the campaign's messages to loopback partners ` +
      `(${before.map((r) => `${fmt.int(r.n)} ${r.channel}`).join(', ')})`,
  );

  // The page's counters, read every second on a connection of their own (not counted as the dispatcher's).
  const url = (database.pool as unknown as { options: { connectionString: string } }).options.connectionString;
  const reader = await openDatabase({ databaseUrl: url, poolSize: 1 });
  const readerClients = new Set<pg.Client>();
  reader.pool!.on('connect', (c) => readerClients.add(c));
  const snapshots: Array<{ s: number; progress: Progress }> = [];
  const started = performance.now();
  const startedAt = Date.now();
  let reading = true;
  const poll = (async () => {
    while (reading) {
      snapshots.push({ s: (performance.now() - started) / 1000, progress: await marketingProgress(reader.db, key) });
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  const counter = countStatements(readerClients);
  let elapsed: number;
  try {
    await server.dispatcher.drain();
    elapsed = performance.now() - started;
  } finally {
    counter.restore();
    reading = false;
    await poll;
  }
  snapshots.push({ s: elapsed / 1000, progress: await marketingProgress(reader.db, key) });
  await reader.close();

  const after = await byChannel();
  const sent = after.reduce((s, r) => s + r.sent, 0);
  const received = {
    email: partners.smtp.messages.length,
    line: partners.line.pushed.length,
    push: partners.push.received.length,
  };
  check(
    'campaigns: delivery: every message of the sample sent, none given up',
    sent === total && after.every((r) => r.dead === 0),
    `${fmt.int(sent)} of ${fmt.int(total)}`,
  );
  for (const channel of CHANNELS) {
    const row = after.find((r) => r.channel === channel);
    check(
      `campaigns: delivery: the ${channel} partner received each ${channel} message once`,
      !!row && received[channel] === row.sent,
      `${fmt.int(received[channel])} received, ${fmt.int(row?.sent ?? 0)} sent`,
    );
  }

  // How the page's counters moved: sent (waiting) per channel, about ten rows.
  const every = Math.max(1, Math.ceil(snapshots.length / 10));
  const shown = snapshots.filter((_, i) => i % every === 0 || i === snapshots.length - 1);
  printTable(
    `Campaign page while it is delivered (marketingProgress; sent / waiting, the rest of the campaign put off)`,
    ['after', ...CHANNELS],
    shown.map(({ s, progress }) => [
      `${s.toFixed(1)} s`,
      ...CHANNELS.map((c) => {
        const ch = progress.channels.find((x) => x.channel === c);
        return ch ? `${fmt.int(ch.sent)} / ${fmt.int(ch.waiting)}` : '–';
      }),
    ]),
  );

  // The baseline: the same sample made due again, sent by raw SQL with no partner, at the dispatcher's concurrency.
  await rawQuery(
    database,
    `UPDATE outbox SET sent_at = NULL, lease_until = NULL, claim_token = NULL, attempts = 0, last_status = NULL,
                       next_attempt_at = now() WHERE id = ANY($1::bigint[])`,
    [ids],
  );
  await rawQuery(database, 'VACUUM ANALYZE outbox');
  const workers = loadConfig({}).delivery.concurrency;
  const t = performance.now();
  const bySql = await deliverBySql(
    database.pool!,
    workers,
    after.map((r) => r.channel),
  );
  const sqlMs = performance.now() - t;
  check('campaigns: delivery: the SQL baseline marked the same sample sent', bySql === total, `${fmt.int(bySql)}`);

  const rate = (n: number, ms: number) => (ms > 0 ? (n / ms) * 1000 : 0);
  // Per channel, its rate while it was being sent (first to last): each channel is claimed on its own, so the
  // channels are sent side by side, each at its lane's pace.
  const rows = after.map((r) => {
    const first = (r.first ? new Date(r.first).getTime() : startedAt) - startedAt;
    const last = (r.last ? new Date(r.last).getTime() : startedAt) - startedAt;
    const span = `${(first / 1000).toFixed(1)}–${(last / 1000).toFixed(1)} s`;
    return [r.channel, fmt.int(r.sent), span, fmt.int(rate(r.sent, last - first)), ''];
  });
  const perMessage = counter.state.n / Math.max(1, sent);
  const pushShare = (after.find((r) => r.channel === 'push')?.n ?? 0) / Math.max(1, total);
  const overall = rate(sent, elapsed);
  const baseline = rate(bySql, sqlMs);
  printTable(
    `Campaign delivery, ${fmt.int(total)} messages (postgres, ${workers} in flight; ${quick ? 'quick' : 'default'} scale)`,
    ['channel', 'sent', 'sent between', 'messages / s', 'statements / message'],
    [
      ...rows,
      ['all (dispatcher)', fmt.int(sent), `${(elapsed / 1000).toFixed(1)} s`, fmt.int(overall), perMessage.toFixed(2)],
      [
        'raw SQL, no partner',
        fmt.int(bySql),
        `${(sqlMs / 1000).toFixed(1)} s`,
        fmt.int(baseline),
        (3 + pushShare).toFixed(2),
      ],
    ],
  );
  note(`dispatcher at ${((overall / baseline) * 100).toFixed(0)} % of the raw SQL's rate`);
  figures.push({
    bench: 'campaigns',
    what: `deliver ${fmt.int(total)} campaign messages (e-mail, LINE, push) to loopback partners`,
    value: `${fmt.int(overall)} msg/s (${perMessage.toFixed(1)} statements each)`,
    baseline: `${fmt.int(baseline)} msg/s (raw SQL, same statements, no partner)`,
    ratio: `${((overall / baseline) * 100).toFixed(0)} %`,
    target: '',
  });
}
