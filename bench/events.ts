/**
 * Event ingest: batches of client events through POST /api/events against the best direct way to put
 * the same rows in the same table — one multi-row INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO
 * NOTHING per batch — on the same database, at the same concurrency, in the same run. PGlite and the
 * Postgres server. Targets on the server: ≥ 50 % of direct and ≥ 20,000 events/s.
 *
 * The HTTP side sends with a staff token (store events from a chain-wide account): anonymous and customer
 * senders are rate-limited per address and device, which a load test from one address would only measure
 * as 429s. Validation, authorisation, the location check, device stitching and the insert are the same.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../server/src/platform/db/connection.ts';
import {
  check,
  compare,
  figures,
  fmt,
  note,
  printTable,
  quick,
  runLoad,
  seconds,
  sqlSide,
  summarize,
  type Comparison,
  type Outcome,
  type Side,
} from './lib.ts';
import {
  createLocations,
  openTarget,
  rawQuery,
  startServer,
  type RunningServer,
  type TargetName,
  onEachTarget,
} from './setup.ts';

const CLIENTS = 4;
const DEVICES = 10_000;
/** One device in ten belongs to a member, so the stitching join finds owners for some rows. */
const LINKED_EVERY = 10;
const TARGET_RATIO = 0.5;
const TARGET_RATE = 20_000;

interface BenchEvent {
  id: string;
  type: 'product_viewed';
  occurredAt: string;
  channel: 'store';
  deviceId: string;
  locationId: string;
  payload: { productId: string; variantId: string; source: string };
}

function makeBatch(size: number, locationId: string): BenchEvent[] {
  const now = new Date().toISOString();
  return Array.from({ length: size }, (_, i) => ({
    id: randomUUID(),
    type: 'product_viewed',
    occurredAt: now,
    channel: 'store',
    deviceId: `bench-dev-${Math.floor(Math.random() * DEVICES)}`,
    locationId,
    payload: { productId: `prd_bench${i % 500}`, variantId: `var_bench${i % 5000}`, source: 'shelf-scan' },
  }));
}

/** The baseline: the same rows, one statement per batch, no API (and no stitching lookup). */
const DIRECT_SQL = `
INSERT INTO customer_events (id, type, occurred_at, channel, device_id, location_id, source, payload)
SELECT id, type, occurred_at::timestamptz, channel, device_id, location_id, 'bench', payload::jsonb
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
    AS t(id, type, occurred_at, channel, device_id, location_id, payload)
ON CONFLICT (id) DO NOTHING`;

export async function insertDirect(database: Database, batch: BenchEvent[]): Promise<Outcome> {
  await rawQuery(database, DIRECT_SQL, [
    batch.map((e) => e.id),
    batch.map((e) => e.type),
    batch.map((e) => e.occurredAt),
    batch.map((e) => e.channel),
    batch.map((e) => e.deviceId),
    batch.map((e) => e.locationId),
    batch.map((e) => JSON.stringify(e.payload)),
  ]);
  return true;
}

async function linkDevices(database: Database): Promise<void> {
  await rawQuery(
    database,
    `INSERT INTO customers (id, member_number, name) VALUES ('cus_bench_events', '9000000000001', 'ベンチ 会員')`,
  );
  await rawQuery(
    database,
    `INSERT INTO customer_identifiers (kind, value, customer_id)
     SELECT 'device', 'bench-dev-' || i, 'cus_bench_events' FROM generate_series(0, $1::int - 1, $2::int) AS i`,
    [DEVICES, LINKED_EVERY],
  );
}

interface CaseResult {
  target: TargetName;
  batch: number;
  cmp: Comparison;
}

async function runTarget(name: TargetName): Promise<CaseResult[]> {
  const target = await openTarget(name);
  let running: RunningServer | undefined;
  const results: CaseResult[] = [];
  try {
    running = await startServer(target.database);
    const r = running;
    const database = target.database;
    const [locationId] = await createLocations(database, 1);
    await linkDevices(database);
    const sizes = name === 'postgres' && !quick ? [500, 1000] : [1000];
    for (const size of sizes) {
      note(`events ${name}: batches of ${size}, ${CLIENTS} clients, ${seconds.write} s per side`);
      const http = async (): Promise<Outcome> => {
        const res = await r.client.request('POST', '/api/events', { events: makeBatch(size, locationId!) });
        if (res.status !== 202) return `http ${res.status}`;
        return (JSON.parse(res.body) as { accepted: number }).accepted === size ? true : 'duplicates';
      };
      const sides: Side[] = [
        sqlSide('sql', CLIENTS, () => insertDirect(database, makeBatch(size, locationId!))),
        {
          name: 'http',
          run: async (durationMs, warmupMs) => {
            if (warmupMs > 0) await runLoad({ concurrency: CLIENTS, durationMs: warmupMs, op: http });
            return runLoad({ concurrency: CLIENTS, durationMs, op: http });
          },
        },
      ];
      results.push({ target: name, batch: size, cmp: await compare(sides, seconds.write) });
    }

    const replay = makeBatch(200, locationId!);
    const once = await r.client.json<{ accepted: number; duplicates: number }>(
      'POST',
      '/api/events',
      { events: replay },
      202,
    );
    const twice = await r.client.json<{ accepted: number; duplicates: number }>(
      'POST',
      '/api/events',
      { events: replay },
      202,
    );
    check(
      `events ${name}: a replayed batch adds nothing`,
      once.accepted === 200 && twice.accepted === 0 && twice.duplicates === 200,
      `${JSON.stringify(once)} then ${JSON.stringify(twice)}`,
    );
    const [stitched] = await rawQuery<{ linked: string; wrong: string }>(
      database,
      `SELECT count(*) FILTER (WHERE e.customer_id = 'cus_bench_events') AS linked,
              count(*) FILTER (WHERE (i.customer_id IS NULL) <> (e.customer_id IS NULL)) AS wrong
         FROM customer_events e LEFT JOIN customer_identifiers i ON i.kind = 'device' AND i.value = e.device_id
        WHERE e.source <> 'bench'`,
    );
    check(
      `events ${name}: events of members' devices were stitched at ingest, and only those`,
      Number(stitched?.linked) > 0 && Number(stitched?.wrong) === 0,
      `${stitched?.linked} stitched, ${stitched?.wrong} wrong`,
    );
  } finally {
    await running?.close().catch((err) => note(`close failed: ${String(err)}`));
    await target.dispose().catch((err) => note(`dispose failed: ${String(err)}`));
  }
  return results;
}

export async function benchEvents(): Promise<void> {
  console.log('\n## Event ingest: POST /api/events vs one multi-row INSERT per batch (same database, same run)');
  console.log(
    `${CLIENTS} concurrent senders; HTTP in this process over keep-alive connections; store events from a staff token (see bench/events.ts).`,
  );
  const all: CaseResult[] = [];
  all.push(...(await onEachTarget(runTarget)).flat());
  const rate = (r: ReturnType<typeof summarize>, batch: number) => r.perSecond * batch;
  printTable(
    'Events per second: HTTP vs direct INSERT',
    [
      'db',
      'batch',
      'HTTP events/s',
      'direct events/s',
      'HTTP/direct',
      'per round',
      'HTTP p50',
      'HTTP p99',
      'direct p50',
      'direct p99',
      'HTTP failed',
    ],
    all.map(({ target, batch, cmp }) => {
      const h = summarize(cmp.get('http'));
      const s = summarize(cmp.get('sql'));
      return [
        target,
        String(batch),
        fmt.int(rate(h, batch)),
        fmt.int(rate(s, batch)),
        fmt.pct(h.perSecond / s.perSecond),
        fmt.range(cmp.ratioRange('http', 'sql')),
        fmt.ms(h.p50),
        fmt.ms(h.p99),
        fmt.ms(s.p50),
        fmt.ms(s.p99),
        fmt.failures(h.failures),
      ];
    }),
  );
  for (const { target, batch, cmp } of all) {
    const h = summarize(cmp.get('http'));
    const s = summarize(cmp.get('sql'));
    const ratio = h.perSecond / s.perSecond;
    const met = ratio >= TARGET_RATIO && rate(h, batch) >= TARGET_RATE;
    figures.push({
      bench: 'events',
      what: `${target} ingest, batches of ${batch} ×${CLIENTS}`,
      value: `${fmt.int(rate(h, batch))} events/s`,
      baseline: `${fmt.int(rate(s, batch))} events/s`,
      ratio: `${fmt.pct(ratio)} (rounds ${fmt.range(cmp.ratioRange('http', 'sql'))})`,
      ...(target === 'postgres' ? { target: met ? '≥ 50 % and ≥ 20k/s met' : '≥ 50 % and ≥ 20k/s MISSED' } : {}),
    });
    check(
      `events ${target} (batches of ${batch}): no failed requests`,
      h.failed === 0 && s.failed === 0,
      `${fmt.failures(h.failures)} / ${fmt.failures(s.failures)}`,
    );
  }
}
