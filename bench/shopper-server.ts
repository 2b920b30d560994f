/**
 * The child process of the shopper-path bench (shopper-path.ts): the database, the real server on it, and
 * the direct side (the server's own statements, captured and replayed), so that process.cpuUsage() here
 * is the server's CPU and nothing of the HTTP clients'. Driven by IPC messages { id, cmd, args }.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { randomBytes, scryptSync } from 'node:crypto';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { newId } from '../server/src/platform/ids.ts';
import { verifyPassword } from '../server/src/platform/passwords.ts';
import { HttpClient, runLoad, type LoadResult, type Outcome } from './lib.ts';
import {
  createLocations,
  createProduct,
  openTarget,
  rawQuery,
  receive,
  startServer,
  stockInvariantViolations,
  type RunningServer,
  type Target,
  type TargetName,
} from './setup.ts';
import {
  guestFlow,
  memberFlow,
  type CaptureSummary,
  type Fixture,
  type FlowKind,
  type Member,
} from './shopper-path.ts';

let target: Target | undefined;
let running: RunningServer | undefined;
let fixture: Fixture | undefined;
let served = 0;
const memberHashes = new Map<string, string>();

// ---------------------------------------------------------------------------------------------------
// Tracing the driver

interface Stmt {
  text: string;
  values: unknown[];
  /** pg: the query config's other fields (name, rowMode, types); PGlite: the query options. */
  extra: Record<string, unknown> | undefined;
}
type Step = { stmt: Stmt } | { tx: Stmt[] };

let recording: Step[] | null = null;

/** Record every statement of the pg clients while `recording` is set; returns the undo. */
function tracePg(): () => void {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const open = new WeakMap<object, Stmt[]>();
  proto.query = function (this: object, ...args: unknown[]) {
    if (recording) {
      const a0 = args[0];
      const cfg = typeof a0 === 'string' ? { text: a0 } : (a0 as Record<string, unknown>);
      const { text, values, ...extra } = cfg as { text: string; values?: unknown[] };
      const given = values ?? (Array.isArray(args[1]) ? (args[1] as unknown[]) : []);
      const stmt: Stmt = { text, values: given, extra: Object.keys(extra).length ? extra : undefined };
      const word = text.trim().toLowerCase();
      if (word === 'select 1') return original.apply(this, args); // the pool's and listener's health checks
      const tx = open.get(this);
      if (word === 'begin' || word.startsWith('begin ') || word.startsWith('start transaction')) {
        const list = [stmt];
        open.set(this, list);
        recording.push({ tx: list });
      } else if (tx) {
        tx.push(stmt);
        if (word === 'commit' || word === 'rollback') open.delete(this);
      } else recording.push({ stmt });
    }
    return original.apply(this, args);
  };
  return () => {
    proto.query = original;
  };
}

/** The same for PGlite: its query, and its transactions' queries (grouped); returns the undo. */
function tracePglite(db: PGlite): () => void {
  const p = db as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const query = p.query!.bind(db);
  const transaction = p.transaction!.bind(db);
  p.query = (text: unknown, values?: unknown, opts?: unknown) => {
    recording?.push({
      stmt: { text: String(text), values: (values as unknown[]) ?? [], extra: opts as Record<string, unknown> },
    });
    return query(text, values, opts);
  };
  p.transaction = (cb: unknown) =>
    transaction(async (tx: Record<string, (...args: unknown[]) => Promise<unknown>>) => {
      const list: Stmt[] = [];
      recording?.push({ tx: list });
      const txQuery = tx.query!.bind(tx);
      const wrapped = Object.create(tx) as typeof tx;
      wrapped.query = (text: unknown, values?: unknown, opts?: unknown) => {
        if (recording)
          list.push({
            text: String(text),
            values: (values as unknown[]) ?? [],
            extra: opts as Record<string, unknown>,
          });
        return txQuery(text, values, opts);
      };
      return (cb as (t: unknown) => Promise<unknown>)(wrapped);
    });
  return () => {
    delete p.query;
    delete p.transaction;
  };
}

// ---------------------------------------------------------------------------------------------------
// Templates: two captures of the same flow, value by value; what differs is drawn again per replay

type Mask = boolean | Mask[] | { json: Mask } | { [k: string]: Mask };

function maskOf(a: unknown, b: unknown): Mask {
  if (a === b) return false;
  if (a instanceof Date && b instanceof Date) return a.getTime() !== b.getTime();
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.map((x, i) => maskOf(x, b[i]));
  if (typeof a === 'string' && typeof b === 'string' && /^[[{]/.test(a) && /^[[{]/.test(b)) {
    try {
      return { json: maskOf(JSON.parse(a), JSON.parse(b)) };
    } catch {
      return true;
    }
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const out: Record<string, Mask> = {};
    for (const k of Object.keys(b))
      out[k] = maskOf((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]);
    return out;
  }
  return true;
}

const countMask = (m: Mask): number =>
  m === true
    ? 1
    : m === false
      ? 0
      : Array.isArray(m)
        ? m.reduce((n, x) => n + countMask(x), 0)
        : 'json' in m
          ? countMask((m as { json: Mask }).json)
          : Object.values(m).reduce((n: number, x) => n + countMask(x as Mask), 0);

const ISO = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
const LOWER = 'abcdefghjkmnpqrstvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * A fresh value of the same shape: an id keeps its prefix, a time moves with the clock. Never one drawn
 * before in this process, and a number's first digit is 9: an order number (W-000123, from the server's
 * sequence) drawn at random would otherwise, now and then, be one the HTTP side already took.
 */
function fresh(v: unknown, shiftMs: number): unknown {
  if (v instanceof Date) return new Date(v.getTime() + shiftMs);
  if (typeof v !== 'string') return v;
  if (ISO.test(v) && !Number.isNaN(Date.parse(v))) return new Date(Date.parse(v) + shiftMs).toISOString();
  const cut = Math.max(v.lastIndexOf('_'), v.lastIndexOf('-'), v.lastIndexOf(':')) + 1;
  for (;;) {
    const rnd = randomBytes(v.length);
    let out = v.slice(0, cut);
    for (let i = cut; i < v.length; i++) {
      const ch = v[i]!;
      const r = rnd[i]!;
      out += /\d/.test(ch)
        ? i === cut
          ? '9'
          : String(r % 10)
        : /[a-z]/.test(ch)
          ? LOWER[r % LOWER.length]
          : /[A-Z]/.test(ch)
            ? UPPER[r % UPPER.length]
            : ch;
    }
    if (out === v || !drawn.has(out)) {
      drawn.add(out);
      return out;
    }
  }
}
const drawn = new Set<string>();

function apply(v: unknown, m: Mask, map: Map<unknown, unknown>, shiftMs: number): unknown {
  if (m === false) return v;
  if (m === true) {
    const key = v instanceof Date ? `date:${v.getTime()}` : v;
    if (!map.has(key)) map.set(key, fresh(v, shiftMs));
    return map.get(key);
  }
  if (Array.isArray(m)) return (v as unknown[]).map((x, i) => apply(x, m[i]!, map, shiftMs));
  if ('json' in m && typeof v === 'string')
    return JSON.stringify(apply(JSON.parse(v), (m as { json: Mask }).json, map, shiftMs));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>))
    out[k] = apply(x, (m as Record<string, Mask>)[k] ?? false, map, shiftMs);
  return out;
}

interface Template {
  steps: Step[];
  masks: Array<Mask[] | Mask[][]>;
  capturedAt: number;
  /** The member cart of the template's capture (replaced by the replay's own cart). */
  cartId: string | null;
}

const templates: Record<FlowKind, Template[]> = { guest: [], member: [] };

function flat(steps: Step[]): Stmt[] {
  return steps.flatMap((s) => ('stmt' in s ? [s.stmt] : s.tx));
}

function shapeOf(steps: Step[]): string {
  return steps.map((s) => ('stmt' in s ? s.stmt.text : `[${s.tx.map((t) => t.text).join(' ; ')}]`)).join('\n');
}

function makeTemplate(a: Step[], b: Step[], capturedAt: number, cartId: string | null): Template {
  if (shapeOf(a) !== shapeOf(b)) {
    const sa = shapeOf(a).split('\n');
    const sb = shapeOf(b).split('\n');
    const i = sa.findIndex((x, j) => x !== sb[j]);
    throw new Error(
      `two runs of the flow sent different statements (at ${i + 1}: ${sa[i]?.slice(0, 120)} | ${sb[i]?.slice(0, 120)})`,
    );
  }
  const masks = b.map((s, i) => {
    const o = a[i]!;
    if ('stmt' in s) return s.stmt.values.map((v, j) => maskOf((o as { stmt: Stmt }).stmt.values[j], v));
    return s.tx.map((t, k) => t.values.map((v, j) => maskOf((o as { tx: Stmt[] }).tx[k]!.values[j], v)));
  });
  return { steps: b, masks: masks as Template['masks'], capturedAt, cartId };
}

async function replay(t: Template, cartId: string | null): Promise<Outcome> {
  const map = new Map<unknown, unknown>();
  if (t.cartId && cartId) map.set(t.cartId, cartId);
  const shift = Date.now() - t.capturedAt;
  const args = (s: Stmt, m: Mask[]) => s.values.map((v, j) => apply(v, m[j] ?? false, map, shift));
  const db = target!.database;
  if (db.pool) {
    const client = await db.pool.connect();
    try {
      for (const [i, s] of t.steps.entries()) {
        if ('stmt' in s)
          await client.query({ ...s.stmt.extra, text: s.stmt.text, values: args(s.stmt, t.masks[i] as Mask[]) });
        else
          for (const [k, q] of s.tx.entries())
            await client.query({ ...q.extra, text: q.text, values: args(q, (t.masks[i] as Mask[][])[k]!) });
      }
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
    return true;
  }
  const lite = db.pglite!;
  for (const [i, s] of t.steps.entries()) {
    if ('stmt' in s) await lite.query(s.stmt.text, args(s.stmt, t.masks[i] as Mask[]), s.stmt.extra);
    else
      await lite.transaction(async (tx) => {
        for (const [k, q] of s.tx.entries()) await tx.query(q.text, args(q, (t.masks[i] as Mask[][])[k]!), q.extra);
      });
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Setup

async function open({ target: name, clients }: { target: TargetName; clients: number }): Promise<Fixture> {
  target = await openTarget(name);
  running = await startServer(target.database);
  running.server.app.server.on('request', () => served++);
  const r = running;
  const [storeId, warehouseId] = await Promise.all([
    createLocations(target.database, 1).then((x) => x[0]!),
    (async () => {
      const id = newId('loc');
      await rawQuery(
        target!.database,
        `INSERT INTO locations (id, code, name, kind, prefecture, city, address, lat, lng, opening_hours, services)
         VALUES ($1, 'BW01', 'ベンチ物流センター', 'warehouse', '神奈川県', '川崎市', '1-1', 35.53, 139.70, '{}'::jsonb,
                 '{"pickup":false,"orderAhead":false,"deliveryRadiusKm":null,"shipping":true}'::jsonb)`,
        [id],
      );
      return id;
    })(),
  ]);
  const guestVariants = await createProduct(r.client, 'ベンチ 通販Tシャツ', clients);
  const memberVariants = await createProduct(r.client, 'ベンチ 店舗受取Tシャツ', clients);
  for (const v of guestVariants) await receive(r.client, v, warehouseId, 1_000_000);
  for (const v of memberVariants) await receive(r.client, v, storeId, 1_000_000);
  const members: Member[] = [];
  const run = randomBytes(4).toString('hex');
  // A cheap hash (N=2^10): the server verifies with the N stored in it, so a login is not a scrypt bench.
  const salt = randomBytes(16);
  const password = 'bench-password-1';
  const cheap = `scrypt$1024$${salt.toString('base64url')}$${scryptSync(password.normalize('NFKC'), salt, 32, { N: 1024, r: 8, p: 1 }).toString('base64url')}`;
  for (let i = 0; i < clients; i++) {
    const email = `shopper-${run}-${i}@example.com`;
    const reg = await r.client.json<{ customer: { id: string } }>(
      'POST',
      '/api/customer-auth/register',
      { email, password, name: `ベンチ 会員${i}` },
      201,
    );
    const customerId = reg.customer.id;
    await rawQuery(target.database, 'UPDATE customers SET password_hash = $2 WHERE id = $1', [customerId, cheap]);
    memberHashes.set(email, cheap);
    await r.client.json(
      'POST',
      '/api/loyalty/transactions',
      { customerId, kind: 'adjust', points: 5_000_000, reason: 'bench', reference: `bench_${newId('ref')}` },
      201,
    );
    await r.client.json(
      'POST',
      '/api/wallet/transactions',
      { customerId, kind: 'adjust', amount: 10_000_000, reason: 'bench', reference: `bench_${newId('ref')}` },
      201,
    );
    members.push({ email, password, customerId });
  }
  fixture = { port: r.port, storeId, warehouseId, guestVariants, memberVariants, members };
  return fixture;
}

/** `perMember` open carts for each member with one line already in it ("her existing cart"), by SQL. */
async function memberCarts({ perMember }: { perMember: number }): Promise<string[][]> {
  const f = fixture!;
  const out: string[][] = [];
  const ids: string[] = [];
  const customers: string[] = [];
  const variants: string[] = [];
  for (const [i, m] of f.members.entries()) {
    const mine = Array.from({ length: perMember }, () => newId('crt'));
    out.push(mine);
    for (const id of mine) {
      ids.push(id);
      customers.push(m.customerId);
      variants.push(f.memberVariants[i]!);
    }
  }
  await rawQuery(
    target!.database,
    `WITH c AS (INSERT INTO carts (id, channel, customer_id) SELECT id, 'web', cid FROM unnest($1::text[], $2::text[]) AS t(id, cid) RETURNING 1)
     INSERT INTO cart_lines (cart_id, variant_id, quantity) SELECT id, vid, 1 FROM unnest($1::text[], $3::text[]) AS t(id, vid)`,
    [ids, customers, variants],
  );
  return out;
}

const RUNS = 8;

/** Run each client's flow over HTTP, traced, until two runs in a row (after the first) send the same statements. */
async function capture({ kind }: { kind: FlowKind }): Promise<CaptureSummary> {
  const f = fixture!;
  const client = new HttpClient(f.port);
  const carts = kind === 'member' ? await memberCarts({ perMember: RUNS }) : [];
  templates[kind] = [];
  const untrace = target!.database.pool ? tracePg() : tracePglite(target!.database.pglite!);
  try {
    for (let w = 0; w < f.members.length; w++) {
      // Two runs in a row that sent the same statements make the template (a cache's refresh can add one
      // to a run: then the next pair is taken).
      let last: { steps: Step[]; at: number; cartId: string | null } | undefined;
      for (let n = 0; ; n++) {
        if (n === RUNS) throw new Error(`${kind} flow: no two runs in a row sent the same statements`);
        const steps: Step[] = [];
        const at = Date.now();
        const cartId = kind === 'member' ? carts[w]![n]! : null;
        recording = steps;
        const outcome =
          kind === 'guest'
            ? await guestFlow(client, f.guestVariants[w]!)
            : await memberFlow(client, f.members[w]!, cartId!, f.memberVariants[w]!, f.storeId);
        await new Promise((r) => setTimeout(r, 30)); // anything the server sends just after answering
        recording = null;
        if (outcome !== true) throw new Error(`${kind} flow over HTTP failed: ${outcome}`);
        if (n >= 2 && last && shapeOf(last.steps) === shapeOf(steps)) {
          templates[kind].push(makeTemplate(last.steps, steps, at, cartId));
          break;
        }
        last = { steps, at, cartId };
      }
    }
  } finally {
    recording = null;
    untrace();
    client.close();
  }
  const t = templates[kind][0]!;
  const stmts = flat(t.steps);
  return {
    kind,
    statements: stmts.length,
    transactions: t.steps.filter((s) => 'tx' in s).length,
    variable: t.masks.flat(2).reduce<number>((n, m) => n + countMask(m as Mask), 0),
    trace: t.steps.map((s) =>
      'stmt' in s
        ? s.stmt.text.replace(/\s+/g, ' ').slice(0, 160)
        : `[tx] ${s.tx.map((q) => q.text.replace(/\s+/g, ' ').slice(0, 100)).join('\n       ')}`,
    ),
  };
}

/** The direct side: the same statements per flow, from `concurrency` loops, one connection per flow. */
async function direct(args: {
  kind: FlowKind;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  carts: string[][];
}): Promise<{ result: LoadResult; cpuUs: number }> {
  const f = fixture!;
  const next = args.carts.map(() => 0);
  const op = async (worker: number): Promise<Outcome> => {
    const t = templates[args.kind][worker]!;
    if (args.kind === 'guest') return replay(t, null);
    const cartId = args.carts[worker]![next[worker]!++];
    if (!cartId) return 'out of carts';
    // The login's password check: the same work the server does before its statements.
    const m = f.members[worker]!;
    if (!(await verifyPassword(m.password, memberHashes.get(m.email)!))) return 'password';
    return replay(t, cartId);
  };
  if (args.warmupMs > 0) await runLoad({ concurrency: args.concurrency, durationMs: args.warmupMs, op });
  const c0 = process.cpuUsage();
  const result = await runLoad({ concurrency: args.concurrency, durationMs: args.durationMs, op });
  const c = process.cpuUsage(c0);
  return { result, cpuUs: c.user + c.system };
}

// ---------------------------------------------------------------------------------------------------
// CPU profile of the HTTP rounds (BENCH_CPU_PROF=dir)

let inspector: Session | undefined;
let profiles = 0;
async function profile({ on, label }: { on: boolean; label?: string }): Promise<void> {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return;
  if (on) {
    inspector ??= new Session();
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
    await inspector.post('Profiler.start');
    currentLabel = label ?? 'round';
    return;
  }
  if (!inspector) return;
  const { profile: p } = await inspector.post('Profiler.stop');
  inspector.disconnect();
  inspector = undefined;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${currentLabel}-${++profiles}.cpuprofile`), JSON.stringify(p));
}
let currentLabel = 'round';

const handlers: Record<string, (args: never) => Promise<unknown>> = {
  open,
  memberCarts,
  capture,
  direct,
  profile,
  cpu: async () => {
    const c = process.cpuUsage();
    return { cpuUs: c.user + c.system, served };
  },
  verify: async () => (await stockInvariantViolations(target!.database)).map((v) => ({ what: 'stock', ...v })),
  close: async () => {
    await running?.close().catch(() => {});
    await target?.dispose().catch(() => {});
    setTimeout(() => process.exit(0), 10);
    return true;
  },
};

process.on('message', (m: { id: number; cmd: string; args: never }) => {
  const h = handlers[m.cmd];
  if (!h) return process.send!({ id: m.id, error: `unknown command ${m.cmd}` });
  h(m.args).then(
    (result) => process.send!({ id: m.id, result }),
    (err: unknown) =>
      process.send!({ id: m.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
process.on('disconnect', () => {
  void (async () => {
    await running?.close().catch(() => {});
    await target?.dispose().catch(() => {});
    process.exit(0);
  })();
});
