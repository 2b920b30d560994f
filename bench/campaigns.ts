/**
 * Queueing a campaign: head office sends one message to every member (100 k by default, 1 M with
 * BENCH_SCALE=full). `POST /api/campaigns/:id/send` through the real HTTP API — the holdout draw, the
 * frequency cap, one recipient row per member, her inbox notice and her e-mail and LINE messages where she
 * agreed, in one transaction — against the same writes as hand-written SQL in one transaction, on the same
 * database, rounds alternating. Target: ≤ 10 s for 100 k members. Delivery itself is the outbox
 * dispatcher's, after commit, at its steady rate (not timed here).
 */
import { check, figures, fmt, median, note, printTable, quick } from './lib.ts';
import { benchWorld, CATALOG_PRODUCTS, generateCustomers, insertCatalog, scaleFromEnv } from './generate-customers.ts';
import type { Database } from '../server/src/platform/db/connection.ts';
import { openTarget, rawQuery, serverUnavailable, serverUrl, startServer, type RunningServer } from './setup.ts';

const TARGET_MS = 10_000;
const ROUNDS = quick ? 2 : 3;

/** Everyone active: the widest audience a campaign can have. */
const EVERYONE = { match: 'all', conditions: [{ field: 'tier', in: ['regular', 'silver', 'gold'] }] };

/** The writes of a send, by hand: recipients (holdout, cap), inbox notices, e-mail and LINE where she agreed. */
async function sendBySql(database: Database, campaignId: string): Promise<number> {
  const client = await database.pool!.connect();
  try {
    await client.query('BEGIN');
    const key = `campaign:${campaignId}`;
    const { rows } = await client.query<{ audience: number }>(
      `WITH m AS (SELECT id AS customer_id FROM customers
                   WHERE status = 'active' AND deleted_at IS NULL AND merged_into IS NULL
                     AND tier IN ('regular', 'silver', 'gold')),
            drawn AS (
              SELECT m.customer_id,
                     (('x' || substr(md5($1 || m.customer_id), 1, 8))::bit(32)::bigint % 100) < 10 AS holdout,
                     (SELECT count(*) FROM campaign_recipients r WHERE r.customer_id = m.customer_id AND r.status = 'queued'
                         AND r.created_at > now() - interval '7 days') >= 2 AS capped
                FROM m),
            written AS (
              INSERT INTO campaign_recipients (campaign_id, customer_id, status, created_at)
              SELECT $1, customer_id, CASE WHEN holdout THEN 'holdout' WHEN capped THEN 'capped' ELSE 'queued' END, now()
                FROM drawn RETURNING status)
       SELECT count(*)::int AS audience FROM written`,
      [campaignId],
    );
    const payload = JSON.stringify({ title: 'ベンチ', body: '本文', link: null, url: null, key });
    await client.query(
      `INSERT INTO notifications (id, customer_id, kind, title, body, payload, dedupe_key)
       SELECT 'ntf_b' || md5($1 || r.customer_id), r.customer_id, 'campaign', 'ベンチ', '本文', $2::jsonb, $1 || ':inbox:' || r.customer_id
         FROM campaign_recipients r WHERE r.campaign_id = $3 AND r.status = 'queued'`,
      [key, payload, campaignId],
    );
    for (const channel of ['email', 'line']) {
      await client.query(
        `INSERT INTO outbox (channel, recipient, template, payload, dedupe_key, next_attempt_at)
         SELECT $1, a.value, 'campaign', $2::jsonb || jsonb_build_object('customerId', r.customer_id),
                $3 || ':' || $1 || ':' || r.customer_id, now()
           FROM campaign_recipients r
           JOIN (SELECT DISTINCT ON (customer_id) customer_id, value FROM customer_identifiers
                  WHERE kind = $1 ORDER BY customer_id, created_at) a ON a.customer_id = r.customer_id
          WHERE r.campaign_id = $4 AND r.status = 'queued'
            AND EXISTS (SELECT 1 FROM customer_consents c WHERE c.customer_id = r.customer_id AND c.channel = $1
                          AND c.purpose = 'marketing' AND c.granted)`,
        [channel, payload, key, campaignId],
      );
    }
    await client.query('COMMIT');
    return Number(rows[0]?.audience ?? 0);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Forget what earlier rounds wrote, so that every round does the same work (no member capped). */
async function clearSends(database: Database): Promise<void> {
  await rawQuery(database, `DELETE FROM outbox WHERE dedupe_key LIKE 'campaign:%'`);
  await rawQuery(database, `DELETE FROM notifications WHERE kind = 'campaign'`);
  await rawQuery(database, 'DELETE FROM campaign_recipients');
  await rawQuery(database, 'VACUUM ANALYZE campaign_recipients, notifications, outbox');
}

export async function benchCampaigns(): Promise<void> {
  const scale = scaleFromEnv(quick);
  console.log('\n## Campaign queueing: POST /api/campaigns/:id/send to every member vs hand-written SQL');
  const why = await serverUnavailable();
  if (why) {
    console.log(`postgres: skipped — server at ${serverUrl} not reachable (${why})`);
    return;
  }
  const target = await openTarget('postgres');
  let running: RunningServer | undefined;
  try {
    running = await startServer(target.database);
    const database = target.database;
    const t0 = performance.now();
    const world = await benchWorld(database, () => insertCatalog(database, CATALOG_PRODUCTS));
    await generateCustomers(database, { ...scale, events: Math.min(scale.events, scale.customers) }, world, note);
    console.log(`data generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const client = running.client;
    const segment = await client.json<{ id: string }>(
      'POST',
      '/api/segments',
      { name: '全会員', rules: EVERYONE },
      201,
    );

    const api: number[] = [];
    const bySql: number[] = [];
    let queued = 0;
    let audience = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await clearSends(database);
      const campaign = await client.json<{ id: string }>(
        'POST',
        '/api/campaigns',
        { name: `ベンチ ${round}`, segmentId: segment.id, title: 'ベンチ', body: '本文' },
        201,
      );
      let t = performance.now();
      const sent = await client.json<{ counts: Record<string, number> }>(
        'POST',
        `/api/campaigns/${campaign.id}/send`,
        undefined,
        200,
      );
      api.push(performance.now() - t);
      audience = sent.counts.audience ?? 0;
      queued = sent.counts.queued ?? 0;
      note(
        `round ${round + 1}: API ${fmt.ms(api.at(-1)!)} — ${fmt.int(audience)} members, ${fmt.int(queued)} messaged, ` +
          `${fmt.int(sent.counts.email ?? 0)} e-mails, ${fmt.int(sent.counts.line ?? 0)} LINE`,
      );
      await clearSends(database);
      t = performance.now();
      const n = await sendBySql(database, `cmp_sql_${round}`);
      bySql.push(performance.now() - t);
      check(
        `campaigns: round ${round + 1}: SQL wrote the same audience`,
        n === audience,
        `${fmt.int(n)} vs ${fmt.int(audience)}`,
      );
    }
    check('campaigns: everyone is in the audience', audience === scale.customers, `${fmt.int(audience)}`);
    const a = median(api);
    const s = median(bySql);
    printTable(
      `Campaign queueing, ${fmt.int(audience)} members (postgres, ${ROUNDS} rounds, median)`,
      ['side', 'time to queue', 'members / s', 'target ≤ 10 s'],
      [
        ['API send', fmt.ms(a), fmt.int((audience / a) * 1000), a <= TARGET_MS ? 'met' : 'MISSED'],
        ['hand-written SQL', fmt.ms(s), fmt.int((audience / s) * 1000), ''],
      ],
    );
    figures.push({
      bench: 'campaigns',
      what: `queue a campaign to ${fmt.int(audience)} members (${fmt.int(queued)} messaged)`,
      value: fmt.ms(a),
      baseline: fmt.ms(s),
      ratio: `${((s / a) * 100).toFixed(0)} % of the SQL's speed`,
      target: `≤ 10 s ${a <= TARGET_MS ? 'met' : 'MISSED'}${scale.customers === 100_000 ? '' : ` (target at 100 k)`}`,
    });
  } finally {
    await running?.close().catch((err) => note(`close failed: ${String(err)}`));
    await target.dispose().catch((err) => note(`dispose failed: ${String(err)}`));
  }
}
