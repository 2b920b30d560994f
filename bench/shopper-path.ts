/**
 * The shopper path (issue 18 §1): a guest's four calls from an empty cart (create the cart, add a line,
 * choose shipping, pay by card with the test acquirer) and a member's four (log in, add to her existing
 * cart, choose store pickup, pay with points + wallet), over HTTP, against THE SAME STATEMENTS sent
 * directly, in the same run, on the same database.
 *
 * The server runs in a child process (shopper-server.ts) that holds the database too (PGlite cannot be
 * shared between processes), so its CPU time is measured alone: process.cpuUsage() of the child over the
 * requests it served. The HTTP clients run here, in the parent. The baseline is what the server itself
 * sends: each flow is run a few times over HTTP with the child's driver traced (pg.Client.query or
 * PGlite's query/transaction), the statements of two runs compared value by value, and every value that
 * differs between them (ids drawn per flow, the session token's hash, times, the order number) replaced
 * by a fresh one of the same shape for each replay — the same texts, the same transactions, on one
 * connection per flow, from the same number of clients.
 *
 * Printed: flows/s and requests/s of both sides, the ratio (target ≥ 70 %), and the server's CPU time per
 * request (target ≤ 1 ms at the median of rounds). BENCH_CPU_PROF=dir writes a V8 CPU profile of the
 * server per HTTP round (bench/profile-summary.ts summarises them).
 *
 * The bench's members log in with a password hashed at scrypt N=2^10 (the server verifies with the N
 * stored in the hash): at the production N=2^15 one login is ~50–100 ms of CPU, which would make the
 * member flow a scrypt benchmark. The baseline verifies the same hash, so both sides pay it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import {
  check,
  compare,
  figures,
  fmt,
  HttpClient,
  median,
  note,
  printTable,
  quick,
  runLoad,
  summarize,
  type LoadResult,
  type Outcome,
  type Side,
} from './lib.ts';
import { type TargetName, onEachTarget } from './setup.ts';

export const CLIENTS = 8;
const SECONDS = quick ? 2 : 8;
export const REQUESTS_PER_FLOW = 4;
export const TEST_CARD = '4242424242424242';
export const GUEST = { name: 'ベンチ 太郎', email: 'bench@example.com' };
export const ADDRESS = {
  postalCode: '150-0041',
  prefecture: '東京都',
  city: '渋谷区',
  line1: '神南1-1-1',
  name: 'ベンチ 花子',
  phone: '0312345678',
};
export const POINTS_PER_FLOW = 100;

export type FlowKind = 'guest' | 'member';

export interface Member {
  email: string;
  password: string;
  customerId: string;
}

/** What the child set up: one per client (a variant each, so clients do not queue on one stock row). */
export interface Fixture {
  port: number;
  storeId: string;
  warehouseId: string;
  guestVariants: string[];
  memberVariants: string[];
  members: Member[];
}

// ---------------------------------------------------------------------------------------------------
// The flows over HTTP (used here for the load, and by the child to capture the statements)

const expect = (what: string, status: number, want: number, body: string): Outcome | null =>
  status === want ? null : `${what} ${status}${status >= 400 ? ` ${/"code":"([^"]+)"/.exec(body)?.[1] ?? ''}` : ''}`;

export async function guestFlow(client: HttpClient, variantId: string): Promise<Outcome> {
  const c = await client.request('POST', '/api/carts', { channel: 'web' }, '');
  const bad = expect('cart', c.status, 201, c.body);
  if (bad) return bad;
  const id = (JSON.parse(c.body) as { id: string }).id;
  const l = await client.request('POST', `/api/carts/${id}/lines`, { variantId, quantity: 1 }, '');
  const f = expect('line', l.status, 200, l.body) ?? null;
  if (f) return f;
  const s = await client.request('PUT', `/api/carts/${id}/fulfilment`, { type: 'ship', address: ADDRESS }, '');
  const g = expect('ship', s.status, 200, s.body);
  if (g) return g;
  const o = await client.request(
    'POST',
    `/api/carts/${id}/checkout`,
    { payment: { method: 'card', card: { number: TEST_CARD } }, guest: GUEST },
    '',
  );
  return expect('checkout', o.status, 201, o.body) ?? true;
}

export async function memberFlow(
  client: HttpClient,
  member: Member,
  cartId: string,
  variantId: string,
  storeId: string,
): Promise<Outcome> {
  const login = await client.request(
    'POST',
    '/api/customer-auth/login',
    { email: member.email, password: member.password },
    '',
  );
  const bad = expect('login', login.status, 200, login.body);
  if (bad) return bad;
  const token = (JSON.parse(login.body) as { token: string }).token;
  const l = await client.request('POST', `/api/carts/${cartId}/lines`, { variantId, quantity: 1 }, token);
  const f = expect('line', l.status, 200, l.body);
  if (f) return f;
  const p = await client.request(
    'PUT',
    `/api/carts/${cartId}/fulfilment`,
    { type: 'pickup', locationId: storeId },
    token,
  );
  const g = expect('pickup', p.status, 200, p.body);
  if (g) return g;
  const o = await client.request(
    'POST',
    `/api/carts/${cartId}/checkout`,
    { usePoints: POINTS_PER_FLOW, payment: { method: 'wallet' } },
    token,
  );
  return expect('checkout', o.status, 201, o.body) ?? true;
}

// ---------------------------------------------------------------------------------------------------
// The child process (server + database + the direct side), driven by messages

export interface Cpu {
  /** µs of user + system time of the child process. */
  cpuUs: number;
  /** HTTP requests the server has received. */
  served: number;
}

export interface CaptureSummary {
  kind: FlowKind;
  statements: number;
  transactions: number;
  variable: number;
  trace: string[];
}

class Child {
  private next = 0;
  private waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(readonly proc: ChildProcess) {
    proc.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.error !== undefined) w.reject(new Error(`shopper server: ${m.error}`));
      else w.resolve(m.result);
    });
    proc.on('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`shopper server exited with ${code}`));
      this.waiting.clear();
    });
  }

  call<T>(cmd: string, args: unknown = {}): Promise<T> {
    const id = ++this.next;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.proc.send({ id, cmd, args });
    });
  }
}

function startChild(): Child {
  const entry = fileURLToPath(new URL('./shopper-server.ts', import.meta.url));
  const proc = fork(entry, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env },
    serialization: 'advanced',
  });
  return new Child(proc);
}

// ---------------------------------------------------------------------------------------------------

interface RoundCpu {
  requests: number;
  cpuMs: number;
}

interface KindResult {
  kind: FlowKind;
  cmp: Awaited<ReturnType<typeof compare>>;
  httpCpu: RoundCpu[];
  sqlCpu: RoundCpu[];
  capture: CaptureSummary;
}

interface TargetResult {
  target: TargetName;
  kinds: KindResult[];
  load: string;
}

async function runTarget(name: TargetName): Promise<TargetResult> {
  const child = startChild();
  try {
    const fixture = await child.call<Fixture>('open', { target: name, clients: CLIENTS });
    note(`${name}: server in process ${child.proc.pid} on port ${fixture.port}`);
    const client = new HttpClient(fixture.port, undefined, CLIENTS * 2);
    const kinds: KindResult[] = [];
    try {
      for (const kind of ['guest', 'member'] as const) {
        const capture = await child.call<CaptureSummary>('capture', { kind });
        note(
          `${name}: ${kind} flow — ${capture.statements} statements (${capture.transactions} transactions), ${capture.variable} values drawn per flow`,
        );
        if (process.env.BENCH_TRACE)
          console.log(`${name} ${kind} flow:\n${capture.trace.map((t, i) => `  ${i + 1}. ${t}`).join('\n')}`);
        const httpCpu: RoundCpu[] = [];
        const sqlCpu: RoundCpu[] = [];
        // Member carts for each round are written before it (untimed), sized from the fastest rate seen.
        const estimate = { http: name === 'postgres' ? 150 : 60, sql: name === 'postgres' ? 400 : 150 };
        const learn = (side: 'http' | 'sql', r: LoadResult) => {
          estimate[side] = Math.max(estimate[side], (2 * r.ok) / (r.elapsedMs / 1000));
          return r;
        };
        const cartsFor = async (side: 'http' | 'sql', ms: number) =>
          kind === 'member'
            ? child.call<string[][]>('memberCarts', {
                perMember: Math.ceil((estimate[side] * ms) / 1000 / CLIENTS) + 10,
              })
            : [];
        note(`${name}: ${kind} flow, ${CLIENTS} clients, ${SECONDS} s per side`);
        const sides: Side[] = [
          {
            name: 'sql',
            run: async (durationMs, warmupMs) => {
              const carts = await cartsFor('sql', durationMs + warmupMs);
              const r = await child.call<{ result: LoadResult; cpuUs: number }>('direct', {
                kind,
                concurrency: CLIENTS,
                durationMs,
                warmupMs,
                carts,
              });
              r.result.latencies = Float64Array.from(r.result.latencies as unknown as number[]);
              sqlCpu.push({ requests: r.result.ok * REQUESTS_PER_FLOW, cpuMs: r.cpuUs / 1000 });
              return learn('sql', r.result);
            },
          },
          {
            name: 'http',
            run: async (durationMs, warmupMs) => {
              const carts = await cartsFor('http', durationMs + warmupMs);
              const next = carts.map(() => 0);
              const op = (worker: number) =>
                kind === 'guest'
                  ? guestFlow(client, fixture.guestVariants[worker]!)
                  : (() => {
                      const cartId = carts[worker]![next[worker]!++];
                      if (!cartId) return Promise.resolve<Outcome>('out of carts');
                      return memberFlow(
                        client,
                        fixture.members[worker]!,
                        cartId,
                        fixture.memberVariants[worker]!,
                        fixture.storeId,
                      );
                    })();
              if (warmupMs > 0) await runLoad({ concurrency: CLIENTS, durationMs: warmupMs, op });
              await child.call('profile', { on: true, label: `${name}-${kind}` });
              const before = await child.call<Cpu>('cpu');
              const r = await runLoad({ concurrency: CLIENTS, durationMs, op });
              const after = await child.call<Cpu>('cpu');
              await child.call('profile', { on: false });
              httpCpu.push({ requests: after.served - before.served, cpuMs: (after.cpuUs - before.cpuUs) / 1000 });
              return learn('http', r);
            },
          },
        ];
        const cmp = await compare(sides, SECONDS);
        kinds.push({ kind, cmp, httpCpu, sqlCpu, capture });
        const h = cmp.get('http');
        const s = cmp.get('sql');
        check(
          `${name}: every ${kind} flow succeeded, over HTTP and direct`,
          h.failed === 0 && s.failed === 0,
          `HTTP ${fmt.failures(h.failures)}, direct ${fmt.failures(s.failures)}`,
        );
      }
      const [wrong] = await child.call<Array<{ what: string }>>('verify');
      check(`${name}: stock, points and wallet add up after both sides`, !wrong, wrong ? JSON.stringify(wrong) : '');
    } finally {
      client.close();
    }
    return {
      target: name,
      kinds,
      load: os
        .loadavg()
        .map((n) => n.toFixed(2))
        .join(' '),
    };
  } finally {
    await child.call('close').catch(() => {});
    child.proc.kill();
  }
}

const cpuPerRequest = (rounds: RoundCpu[]) => median(rounds.map((r) => r.cpuMs / Math.max(1, r.requests)));

function report(results: TargetResult[]): void {
  const rows: string[][] = [];
  for (const r of results) {
    for (const k of r.kinds) {
      const h = summarize(k.cmp.get('http'));
      const s = summarize(k.cmp.get('sql'));
      const ratio = h.perSecond / s.perSecond;
      const cpu = cpuPerRequest(k.httpCpu);
      const sqlCpu = cpuPerRequest(k.sqlCpu);
      figures.push({
        bench: 'shopper-path',
        what: `${r.target} ${k.kind} flow (4 calls) ×${CLIENTS}`,
        value: `${fmt.int(h.perSecond * REQUESTS_PER_FLOW)} req/s, CPU ${cpu.toFixed(2)} ms/req`,
        baseline: `${fmt.int(s.perSecond * REQUESTS_PER_FLOW)} req/s`,
        ratio: `${fmt.pct(ratio)} (rounds ${fmt.range(k.cmp.ratioRange('http', 'sql'))})`,
        target: `${ratio >= 0.7 ? '≥ 70 % met' : '≥ 70 % MISSED'}; ${cpu <= 1 ? '≤ 1 ms met' : '≤ 1 ms MISSED'}`,
      });
      rows.push([
        r.target,
        k.kind,
        String(k.capture.statements),
        fmt.int(h.perSecond),
        fmt.int(h.perSecond * REQUESTS_PER_FLOW),
        fmt.int(s.perSecond),
        fmt.int(s.perSecond * REQUESTS_PER_FLOW),
        fmt.pct(ratio),
        fmt.range(k.cmp.ratioRange('http', 'sql')),
        `${cpu.toFixed(2)} ms`,
        `${sqlCpu.toFixed(2)} ms`,
        fmt.ms(h.p50),
        fmt.ms(s.p50),
        r.load,
      ]);
    }
  }
  printTable(
    `The shopper path over HTTP vs the same statements sent directly (${CLIENTS} clients; server in its own process)`,
    [
      'db',
      'flow',
      'statements',
      'HTTP flows/s',
      'HTTP req/s',
      'direct flows/s',
      'direct req/s',
      'HTTP/direct',
      'per round',
      'server CPU/req',
      'direct CPU/req',
      'HTTP flow p50',
      'direct flow p50',
      'load avg',
    ],
    rows,
  );
  console.log(
    "server CPU/req: the server process's CPU time over the requests it served, median of rounds (target ≤ 1 ms; on PGlite it includes the database). direct CPU/req: the same process sending the same statements, per request-equivalent.",
  );
}

export async function benchShopperPath(): Promise<void> {
  console.log(
    '\n## The shopper path: guest (cart, line, shipping, card) and member (login, line, pickup, points + wallet) over HTTP vs the same statements direct',
  );
  const results: TargetResult[] = [];
  results.push(...(await onEachTarget(runTarget)));
  report(results);
}
