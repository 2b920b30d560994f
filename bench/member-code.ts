/**
 * Member code resolve at scale: a clerk scans a member's app QR and gets the clienteling card. Through
 * the real HTTP API, against the card's own SQL statements sent directly on the same database in the
 * same run, on a Postgres database filled by generate-customers.ts (BENCH_SCALE=full: 1 M members,
 * 20 M events). Target: p99 ≤ 20 ms over HTTP with a few tills scanning at once.
 */
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { cardParts, scanInOne } from '../server/src/modules/clienteling/service.ts';
import { suggestAtStore } from '../server/src/modules/recommendations/service.ts';
import { togetherStatement } from '../server/src/platform/db/read-parts.ts';
import { issueMemberCode, memberCodeKey } from '../server/src/modules/customers/service.ts';
import type { Database } from '../server/src/platform/db/connection.ts';
import { newId } from '../server/src/platform/ids.ts';
import {
  check,
  compare,
  figures,
  fmt,
  note,
  percentile,
  printTable,
  quick,
  runLoad,
  seconds,
  sqlSide,
  summarize,
  type LoadResult,
  type Outcome,
} from './lib.ts';
import {
  benchCustomerId,
  benchPhone,
  benchWorld,
  CATALOG_PRODUCTS,
  generateCustomers,
  insertCatalog,
  scaleFromEnv,
} from './generate-customers.ts';
import {
  openTarget,
  rawQuery,
  serverUnavailable,
  serverUrl,
  startServer,
  type RunningServer,
  type Target,
  openKeptDatabase,
} from './setup.ts';

const CLIENTS = 4;
const TARGET_P99_MS = 20;

/**
 * The statements POST /api/member-codes/resolve issues for one QR code, sent directly on the pool: the scan
 * (the store, her card's fields and the scan's insert in one statement), then the whole card in one
 * statement, both named and prepared as the server sends them. Both are the server's own (resolve.ts and
 * card.ts build them; the dialect turns them into text and parameters), so the baseline cannot drift from
 * what the API runs. Not sent: the reads only some cards need after it (product names of her reviews and
 * suggestions, her favourites' stock, a nearby store for what this one lacks).
 */
const dialect = new PgDialect();

type Timings = Map<string, number[]>;

/**
 * One resolve's statements, directly; `timings` (optional) collects each statement's own latency. The
 * scan and the card go as named prepared statements, as the server sends them; `planEachTime` sends them
 * unnamed instead (planned on every call), to show what the preparation saves.
 */
async function resolveDirect(
  database: Database,
  customerId: string,
  locationId: string,
  opts: { timings?: Timings; planEachTime?: boolean } = {},
): Promise<Outcome> {
  const { timings } = opts;
  const run = async (name: string, text: string, params: unknown[], prepared = false) => {
    const t0 = performance.now();
    const rows =
      prepared && database.pool
        ? (await database.pool.query({ name: `bench ${name}`, text, values: params })).rows
        : await rawQuery(database, text, params);
    if (timings) (timings.get(name) ?? timings.set(name, []).get(name)!).push(performance.now() - t0);
    return rows;
  };
  const card = (name: string, statement: SQL) => {
    const q = dialect.sqlToQuery(statement);
    return run(name, q.sql, q.params, !opts.planEachTime);
  };
  const scanId = `mcs_${newId('b')}`;
  const scan = scanInOne.values({
    locationId,
    customerId,
    eventId: scanId,
    occurredAt: new Date().toISOString(),
    payload: '{"method":"code"}',
  });
  const [scanned] = (await run('scan', scanInOne.text, scan, !opts.planEachTime)) as Array<{ inserted: string | null }>;
  if (!scanned?.inserted) return 'replayed';
  await card('card', togetherStatement(cardParts(database.db, customerId, locationId, scanId, suggestAtStore)));
  return true;
}

interface Row {
  label: string;
  http: LoadResult;
  sql: LoadResult;
}

export async function benchMemberCode(): Promise<void> {
  const scale = scaleFromEnv(quick);
  console.log('\n## Member code resolve (clienteling card): POST /api/member-codes/resolve vs its SQL sent directly');
  const why = await serverUnavailable();
  if (why) {
    console.log(`postgres: skipped — server at ${serverUrl} not reachable (${why})`);
    return;
  }
  console.log(
    `${scale.customers.toLocaleString('en-US')} members, ${scale.events.toLocaleString('en-US')} events (BENCH_SCALE=${process.env.BENCH_SCALE ?? 'default'}); ` +
      `${CLIENTS} tills scanning at once; each scan a fresh code of a random member.`,
  );
  const kept = process.env.BENCH_MEMBER_URL;
  const target = kept ? await keptTarget(kept) : await openTarget('postgres');
  let running: RunningServer | undefined;
  try {
    running = await startServer(target.database);
    const database = target.database;
    let locationId: string;
    if (kept) {
      const [store] = await rawQuery<{ id: string }>(
        database,
        `SELECT id FROM locations WHERE kind = 'store' ORDER BY code LIMIT 1`,
      );
      const [count] = await rawQuery<{ n: string }>(database, `SELECT count(*) AS n FROM customers`);
      const [events] = await rawQuery<{ n: string }>(
        database,
        `SELECT reltuples::bigint AS n FROM pg_class WHERE relname = 'customer_events'`,
      );
      scale.customers = Number(count!.n);
      scale.events = Number(events!.n);
      locationId = store!.id;
      note(
        `on ${new URL(kept).pathname.slice(1)} (BENCH_MEMBER_URL): kept, not generated; ${fmt.int(scale.customers)} members, ~${fmt.int(scale.events)} events`,
      );
    } else {
      const t0 = performance.now();
      const world = await benchWorld(database, () => insertCatalog(database, CATALOG_PRODUCTS));
      await generateCustomers(database, scale, world, note);
      const generatedIn = (performance.now() - t0) / 1000;
      console.log(`data generated in ${generatedIn.toFixed(0)} s`);
      locationId = world.locationIds[0]!;
    }
    const key = memberCodeKey(running.server.secret);
    const client = running.client;
    const randomMember = () => Math.floor(Math.random() * scale.customers);
    const busiest = (
      await rawQuery<{ customer_id: string; n: string }>(
        database,
        'SELECT customer_id, count(*) AS n FROM customer_events GROUP BY 1 ORDER BY 2 DESC LIMIT 20',
      )
    ).map((r) => ({ id: r.customer_id, n: Number(r.n) }));
    note(`busiest members: ${busiest[0]?.n} … ${busiest[busiest.length - 1]?.n} events each`);

    const viaCode = (pick: () => string) => async (): Promise<Outcome> => {
      const res = await client.request('POST', '/api/member-codes/resolve', {
        locationId,
        code: issueMemberCode(key, pick()).code,
      });
      return res.status === 200 ? true : `http ${res.status}`;
    };
    const viaPhone = async (): Promise<Outcome> => {
      const res = await client.request('POST', '/api/member-codes/resolve', {
        locationId,
        phone: benchPhone(randomMember()),
      });
      return res.status === 200 ? true : `http ${res.status}`;
    };
    const first = await client.request('POST', '/api/member-codes/resolve', {
      locationId,
      code: issueMemberCode(key, benchCustomerId(1)).code,
    });
    const card = JSON.parse(first.body) as { customer?: { greeting: string }; interests?: unknown[] };
    check(
      'member-code: a generated member resolves to a card',
      first.status === 200 && !!card.customer?.greeting,
      `${first.status} ${card.customer?.greeting ?? first.body.slice(0, 200)}`,
    );

    const perSide = seconds.read * 2;
    const warm = seconds.warmup * 1000;
    // Both sides in alternating rounds (compare), so load from elsewhere on the machine falls on both alike;
    // sqlSide runs any operation from this thread, the HTTP client's included.
    const measure = async (
      label: string,
      http: () => Promise<Outcome>,
      direct: () => Promise<Outcome>,
    ): Promise<Row> => {
      note(`member-code: ${label}, ${CLIENTS} clients, ${perSide} s per side`);
      const cmp = await compare([sqlSide('http', CLIENTS, http), sqlSide('sql', CLIENTS, direct)], perSide);
      return { label, http: cmp.get('http'), sql: cmp.get('sql') };
    };
    const busy = () => busiest[Math.floor(Math.random() * busiest.length)]!.id;
    const rows = [
      await measure(
        'QR code, random member',
        viaCode(() => benchCustomerId(randomMember())),
        () => resolveDirect(database, benchCustomerId(randomMember()), locationId),
      ),
      await measure('phone number, random member', viaPhone, () =>
        resolveDirect(database, benchCustomerId(randomMember()), locationId),
      ),
      await measure(`QR code, the ${busiest.length} busiest members`, viaCode(busy), () =>
        resolveDirect(database, busy(), locationId),
      ),
    ];
    report(rows);

    note(`member-code: the card statements planned on every call, ${perSide} s`);
    const unnamedOp = () =>
      resolveDirect(database, benchCustomerId(randomMember()), locationId, { planEachTime: true });
    await runLoad({ concurrency: CLIENTS, durationMs: warm, op: unnamedOp });
    const unnamed = summarize(await runLoad({ concurrency: CLIENTS, durationMs: perSide * 1000, op: unnamedOp }));
    const prepared = summarize(rows[0]!.sql);
    printTable(
      'What preparing the card statements saves (direct SQL, random members)',
      ['card statements', 'scans/s', 'p50', 'p99'],
      [
        [
          'prepared once per connection (the server)',
          fmt.int(prepared.perSecond),
          fmt.ms(prepared.p50),
          fmt.ms(prepared.p99),
        ],
        ['planned on every call', fmt.int(unnamed.perSecond), fmt.ms(unnamed.p50), fmt.ms(unnamed.p99)],
      ],
    );

    // Which statement costs what, one at a time (no concurrency), for the busiest members and typical ones.
    const timings: Timings = new Map();
    for (let i = 0; i < (quick ? 100 : 400); i++)
      await resolveDirect(database, i % 4 === 0 ? busy() : benchCustomerId(randomMember()), locationId, { timings });
    printTable(
      'Card statements, one resolve at a time (¼ of them for the busiest members)',
      ['statement', 'p50', 'p99'],
      [...timings].map(([name, xs]) => {
        const sorted = Float64Array.from(xs).sort();
        return [name, fmt.ms(percentile(sorted, 50)), fmt.ms(percentile(sorted, 99))];
      }),
    );
    const replay = issueMemberCode(key, benchCustomerId(2)).code;
    const once = await client.request('POST', '/api/member-codes/resolve', { locationId, code: replay });
    const twice = await client.request('POST', '/api/member-codes/resolve', { locationId, code: replay });
    check(
      'member-code: a replayed code is refused (409)',
      once.status === 200 && twice.status === 409,
      `${once.status} then ${twice.status}`,
    );
  } finally {
    await running?.close().catch((err) => note(`close failed: ${String(err)}`));
    await target.dispose().catch((err) => note(`dispose failed: ${String(err)}`));
  }
}

/** The database BENCH_MEMBER_URL names (made by generate-customers.ts, kept between runs). */
async function keptTarget(url: string): Promise<Target> {
  const database = await openKeptDatabase(url);
  return { name: 'postgres', database, dispose: () => database.close() };
}

function report(rows: Row[]): void {
  printTable(
    'Resolve a member at the till: HTTP vs the same statements sent directly (postgres)',
    ['case', 'HTTP/s', 'HTTP p50', 'HTTP p99', 'SQL/s', 'SQL p50', 'SQL p99', 'HTTP/SQL', 'HTTP failed', 'SQL failed'],
    rows.map((r) => {
      const h = summarize(r.http);
      const s = summarize(r.sql);
      return [
        r.label,
        fmt.int(h.perSecond),
        fmt.ms(h.p50),
        fmt.ms(h.p99),
        fmt.int(s.perSecond),
        fmt.ms(s.p50),
        fmt.ms(s.p99),
        fmt.pct(h.perSecond / s.perSecond),
        fmt.failures(h.failures),
        fmt.failures(s.failures),
      ];
    }),
  );
  for (const r of rows) {
    const h = summarize(r.http);
    const s = summarize(r.sql);
    figures.push({
      bench: 'member-code',
      what: `postgres resolve, ${r.label} ×${CLIENTS}`,
      value: `p50 ${fmt.ms(h.p50)} / p99 ${fmt.ms(h.p99)}`,
      baseline: `p50 ${fmt.ms(s.p50)} / p99 ${fmt.ms(s.p99)}`,
      ratio: `${fmt.pct(h.perSecond / s.perSecond)} of the rate (${fmt.int(h.perSecond)} / ${fmt.int(s.perSecond)} scans/s); ${fmt.pct(s.p99 / h.p99)} SQL p99 / HTTP p99`,
      target: h.p99 <= TARGET_P99_MS ? `p99 ≤ ${TARGET_P99_MS} ms met` : `p99 ≤ ${TARGET_P99_MS} ms MISSED`,
    });
    check(
      `member-code: ${r.label}: no failed resolves`,
      r.http.failed === 0 && r.sql.failed === 0,
      `${fmt.failures(r.http.failures)} / ${fmt.failures(r.sql.failures)}`,
    );
  }
}
