/**
 * Queueing a campaign: head office sends one message with an offer to every member (100 k by default, 1 M
 * with BENCH_SCALE=full). `POST /api/campaigns/:id/send` through the real HTTP API — the holdout draw, the
 * frequency cap, one recipient row per member, one single-use code of the offer issued to each member
 * messaged, her inbox notice and her e-mail, LINE and Web Push messages (one per subscribed browser) where
 * she agreed, in one transaction — against the same writes as hand-written SQL in one transaction, on the
 * same database, rounds alternating. Target: ≤ 10 s for 100 k members. Then delivery: the app's own outbox
 * dispatcher sends a sample of the queued messages to loopback partners (campaign-delivery.ts).
 */
import { check, figures, fmt, median, note, printTable, quick } from './lib.ts';
import { benchWorld, CATALOG_PRODUCTS, generateCustomers, insertCatalog, scaleFromEnv } from './generate-customers.ts';
import type { Database } from '../server/src/platform/db/connection.ts';
import { randomCodes } from '../server/src/modules/promotions/issued.ts';
import { fakeLineMessaging, fakePushService, fakeSmtp, testBrowser } from '../server/src/test/partners.ts';
import { openTarget, rawQuery, serverUnavailable, serverUrl, startServer, type RunningServer } from './setup.ts';
import { benchDelivery } from './campaign-delivery.ts';

const TARGET_MS = 10_000;
const ROUNDS = quick ? 2 : 3;

/** Everyone active: the widest audience a campaign can have. */
const EVERYONE = { match: 'all', conditions: [{ field: 'tier', in: ['regular', 'silver', 'gold'] }] };

type Counts = { audience: number; issued: number; email: number; line: number; push: number };

/**
 * The writes of a send, by hand: recipients (holdout, cap), the offer's codes, inbox notices, e-mail, LINE
 * and push where she agreed. `draw` seeds the holdout draw (the API campaign's id, so both hold out the
 * same members and every count can be compared).
 */
async function sendBySql(database: Database, campaignId: string, draw: string, couponId: string): Promise<Counts> {
  const client = await database.pool!.connect();
  try {
    await client.query('BEGIN');
    const key = `campaign:${campaignId}`;
    const { rows } = await client.query<{ audience: number; queued: number }>(
      `WITH m AS (SELECT id AS customer_id FROM customers
                   WHERE status = 'active' AND deleted_at IS NULL AND merged_into IS NULL
                     AND tier IN ('regular', 'silver', 'gold')),
            at_cap AS MATERIALIZED (
              SELECT customer_id FROM campaign_recipients WHERE status = 'queued' AND created_at > now() - interval '7 days'
               GROUP BY customer_id HAVING count(*) >= 2),
            drawn AS (
              SELECT m.customer_id,
                     (('x' || substr(md5($2 || m.customer_id), 1, 8))::bit(32)::bigint % 100) < 10 AS holdout,
                     at_cap.customer_id IS NOT NULL AS capped
                FROM m LEFT JOIN at_cap ON at_cap.customer_id = m.customer_id),
            written AS (
              INSERT INTO campaign_recipients (campaign_id, customer_id, status, created_at)
              SELECT $1, customer_id, CASE WHEN holdout THEN 'holdout' WHEN capped THEN 'capped' ELSE 'queued' END, now()
                FROM drawn RETURNING status)
       SELECT count(*)::int AS audience, count(*) FILTER (WHERE status = 'queued')::int AS queued FROM written`,
      [campaignId, draw],
    );
    const queued = Number(rows[0]?.queued ?? 0);
    const issued = await client.query(
      `INSERT INTO coupon_codes (code, coupon_id, batch_id, customer_id, issued_for)
       SELECT c.code, $1, 'bat_bench', r.customer_id, $2
         FROM (SELECT customer_id, row_number() OVER () AS i FROM campaign_recipients
                WHERE campaign_id = $3 AND status = 'queued') r
         JOIN unnest($4::text[]) WITH ORDINALITY AS c(code, i) USING (i)`,
      [couponId, key, campaignId, randomCodes(queued)],
    );
    const payload = JSON.stringify({ title: 'ベンチ', body: '本文', link: '/account/coupons', url: null, key });
    await client.query(
      `INSERT INTO notifications (id, customer_id, kind, title, body, payload, dedupe_key)
       SELECT 'ntf_b' || md5($1 || r.customer_id), r.customer_id, 'campaign', 'ベンチ', '本文', $2::jsonb, $1 || ':inbox:' || r.customer_id
         FROM campaign_recipients r WHERE r.campaign_id = $3 AND r.status = 'queued'`,
      [key, payload, campaignId],
    );
    const consented = (channel: string) =>
      `EXISTS (SELECT 1 FROM customer_consents c WHERE c.customer_id = r.customer_id AND c.channel = '${channel}'
                  AND c.purpose = 'marketing' AND c.granted)`;
    const sent: Record<string, number> = {};
    for (const channel of ['email', 'line']) {
      const r = await client.query(
        `INSERT INTO outbox (channel, recipient, template, payload, dedupe_key, next_attempt_at)
         SELECT $1, a.value, 'campaign', $2::jsonb || jsonb_build_object('customerId', r.customer_id),
                $3 || ':' || $1 || ':' || r.customer_id, now()
           FROM campaign_recipients r
           JOIN (SELECT DISTINCT ON (customer_id) customer_id, value FROM customer_identifiers
                  WHERE kind = $1 ORDER BY customer_id, created_at) a ON a.customer_id = r.customer_id
          WHERE r.campaign_id = $4 AND r.status = 'queued' AND ${consented(channel)}`,
        [channel, payload, key, campaignId],
      );
      sent[channel] = r.rowCount ?? 0;
    }
    const push = await client.query(
      `INSERT INTO outbox (channel, recipient, template, payload, dedupe_key, next_attempt_at)
       SELECT 'push', s.id, 'campaign', $1::jsonb || jsonb_build_object('customerId', r.customer_id),
              $2 || ':push:' || s.id, now()
         FROM campaign_recipients r JOIN push_subscriptions s ON s.customer_id = r.customer_id
        WHERE r.campaign_id = $3 AND r.status = 'queued' AND ${consented('push')}`,
      [payload, key, campaignId],
    );
    await client.query('COMMIT');
    return {
      audience: Number(rows[0]?.audience ?? 0),
      issued: issued.rowCount ?? 0,
      email: sent.email ?? 0,
      line: sent.line ?? 0,
      push: push.rowCount ?? 0,
    };
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
  await rawQuery(database, `DELETE FROM coupon_codes WHERE issued_for LIKE 'campaign:%'`);
  await rawQuery(database, 'DELETE FROM campaign_recipients');
  await rawQuery(database, 'VACUUM ANALYZE campaign_recipients, notifications, outbox, coupon_codes');
}

/**
 * Browsers subscribed to Web Push, in bulk: one for every member who agreed to push offers (~30 %), a
 * second (a laptop beside the phone) for one in five of them, each at its own address on the loopback
 * push service. All share one browser's keys (a valid P-256 point): the server encrypts for each anyway.
 */
async function subscribeBrowsers(database: Database, pushUrl: string): Promise<number> {
  const { keys } = testBrowser();
  const [row] = await rawQuery<{ n: number }>(
    database,
    `WITH written AS (
       INSERT INTO push_subscriptions (id, customer_id, endpoint, p256dh, auth, user_agent)
       SELECT 'psb_b' || d || '_' || substr(c.customer_id, 6), c.customer_id, $1 || '/push/' || c.customer_id || '/' || d,
              $2, $3, CASE d WHEN 1 THEN 'Mozilla/5.0 (iPhone)' ELSE 'Mozilla/5.0 (Macintosh)' END
         FROM customer_consents c CROSS JOIN generate_series(1, 2) AS d
        WHERE c.channel = 'push' AND c.purpose = 'marketing' AND c.granted
          AND (d = 1 OR abs(hashtext(c.customer_id)) % 5 = 0)
       RETURNING 1)
     SELECT count(*)::int AS n FROM written`,
    [pushUrl, keys.p256dh, keys.auth],
  );
  await rawQuery(database, 'VACUUM ANALYZE push_subscriptions');
  return Number(row?.n ?? 0);
}

export async function benchCampaigns(): Promise<void> {
  const scale = scaleFromEnv(quick);
  console.log('\n## Campaign queueing: POST /api/campaigns/:id/send to every member vs hand-written SQL');
  const why = await serverUnavailable();
  if (why) {
    console.log(`postgres: skipped — server at ${serverUrl} not reachable (${why})`);
    return;
  }
  // The partners, on loopback only: delivery reaches nothing else (PUBLIC_URL is only written into messages).
  const smtp = await fakeSmtp();
  const line = await fakeLineMessaging();
  const push = await fakePushService();
  const target = await openTarget('postgres');
  let running: RunningServer | undefined;
  try {
    running = await startServer(target.database, {
      SMTP_URL: smtp.url,
      LINE_CHANNEL_ACCESS_TOKEN: line.token,
      LINE_API_URL: line.url,
      PUSH_ALLOW_LOOPBACK_HTTP: '1',
      PUBLIC_URL: 'https://shop.example.jp',
    });
    const database = target.database;
    const t0 = performance.now();
    const world = await benchWorld(database, () => insertCatalog(database, CATALOG_PRODUCTS));
    await generateCustomers(database, { ...scale, events: Math.min(scale.events, scale.customers) }, world, note);
    // Where a message reaches her: an e-mail address for nine in ten, a linked LINE account for one in three.
    await rawQuery(
      database,
      `INSERT INTO customer_identifiers (kind, value, customer_id)
       SELECT 'email', 'm' || substr(id, 6) || '@example.jp', id FROM customers WHERE abs(hashtext(id)) % 10 <> 0
       UNION ALL
       SELECT 'line', 'U' || md5(id), id FROM customers WHERE abs(hashtext(id)) % 3 = 0`,
    );
    await rawQuery(database, 'VACUUM ANALYZE customer_identifiers');
    const browsers = await subscribeBrowsers(database, push.url);
    note(`${fmt.int(browsers)} browsers subscribed to push`);
    console.log(`data generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const client = running.client;
    const segment = await client.json<{ id: string }>(
      'POST',
      '/api/segments',
      { name: '全会員', rules: EVERYONE },
      201,
    );
    // The offer: a ¥500-off promotion with a single-use coupon whose codes the send issues (as offers.test.ts).
    const promo = await client.json<{ id: string }>(
      'POST',
      '/api/promotions',
      {
        name: 'ベンチ500円引き',
        description: 'ベンチ',
        kind: 'amount_off',
        params: { amount: 500 },
        requiresCoupon: true,
      },
      201,
    );
    const { couponId } = await client.json<{ couponId: string }>(
      'POST',
      '/api/coupons/batches',
      { coupon: { promotionId: promo.id, issuedChannel: 'campaign' }, count: 0 },
      201,
    );
    const draft = (name: string) =>
      client.json<{ id: string }>(
        'POST',
        '/api/campaigns',
        { name, segmentId: segment.id, title: 'ベンチ', body: '本文', offerCouponId: couponId },
        201,
      );

    const api: number[] = [];
    const bySql: number[] = [];
    let counts: Record<string, number> = {};
    for (let round = 0; round < ROUNDS; round++) {
      await clearSends(database);
      const campaign = await draft(`ベンチ ${round}`);
      let t = performance.now();
      const sent = await client.json<{ counts: Record<string, number> }>(
        'POST',
        `/api/campaigns/${campaign.id}/send`,
        undefined,
        200,
      );
      api.push(performance.now() - t);
      counts = sent.counts;
      note(
        `round ${round + 1}: API ${fmt.ms(api.at(-1)!)} — ${fmt.int(counts.audience ?? 0)} members, ` +
          `${fmt.int(counts.queued ?? 0)} messaged, ${fmt.int(counts.issued ?? 0)} codes, ${fmt.int(counts.email ?? 0)} e-mails, ` +
          `${fmt.int(counts.line ?? 0)} LINE, ${fmt.int(counts.push ?? 0)} push`,
      );
      await clearSends(database);
      t = performance.now();
      // Drawn with the API campaign's id: the same members held out, so every count can be compared.
      const w = await sendBySql(database, `cmp_sql_${round}`, campaign.id, couponId);
      bySql.push(performance.now() - t);
      const differ = (['audience', 'issued', 'email', 'line', 'push'] as const).filter(
        (k) => w[k] !== (counts[k] ?? 0),
      );
      check(
        `campaigns: round ${round + 1}: SQL wrote the same audience, codes, e-mails, LINE and push messages`,
        differ.length === 0,
        differ.length
          ? differ.map((k) => `${k} ${fmt.int(w[k])} vs ${fmt.int(counts[k] ?? 0)}`).join(', ')
          : `${fmt.int(w.audience)} members, ${fmt.int(w.issued)} codes, ${fmt.int(w.push)} push`,
      );
    }
    const audience = counts.audience ?? 0;
    const queued = counts.queued ?? 0;
    check('campaigns: everyone is in the audience', audience === scale.customers, `${fmt.int(audience)}`);
    check('campaigns: one code per messaged member', (counts.issued ?? 0) === queued, fmt.int(queued));
    check('campaigns: push messages queued', (counts.push ?? 0) > 0, fmt.int(counts.push ?? 0));
    const a = median(api);
    const s = median(bySql);
    printTable(
      `Campaign queueing with an offer, ${fmt.int(audience)} members (postgres, ${ROUNDS} rounds, median)`,
      ['side', 'time to queue', 'members / s', 'target ≤ 10 s'],
      [
        ['API send', fmt.ms(a), fmt.int((audience / a) * 1000), a <= TARGET_MS ? 'met' : 'MISSED'],
        ['hand-written SQL', fmt.ms(s), fmt.int((audience / s) * 1000), ''],
      ],
    );
    figures.push({
      bench: 'campaigns',
      what: `queue a campaign with an offer to ${fmt.int(audience)} members (${fmt.int(queued)} messaged, ${fmt.int(counts.push ?? 0)} push)`,
      value: fmt.ms(a),
      baseline: fmt.ms(s),
      ratio: `${((s / a) * 100).toFixed(0)} % of the SQL's speed`,
      target: `≤ 10 s ${a <= TARGET_MS ? 'met' : 'MISSED'}${scale.customers === 100_000 ? '' : ` (target at 100 k)`}`,
    });

    // Delivery: one more send through the API, then the dispatcher sends a sample of it to the partners.
    await clearSends(database);
    const [hooks] = await rawQuery<{ n: number }>(database, 'SELECT count(*)::int AS n FROM webhook_endpoints');
    if (!check('campaigns: delivery reaches loopback only (no webhook endpoint)', hooks?.n === 0)) return;
    const campaign = await draft('ベンチ 配信');
    await client.json('POST', `/api/campaigns/${campaign.id}/send`, undefined, 200);
    await benchDelivery({ database, server: running.server, campaignId: campaign.id, partners: { smtp, line, push } });
  } finally {
    await running?.close().catch((err) => note(`close failed: ${String(err)}`));
    await target.dispose().catch((err) => note(`dispose failed: ${String(err)}`));
    await Promise.allSettled([smtp.close(), line.close(), push.close()]);
  }
}
