import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/** Settings shared by every benchmark, from the environment. */
export const quick = ['1', 'true', 'yes'].includes(process.env.BENCH_QUICK ?? '');

/** Seconds of measurement per side of a comparison: full 10 s (5 s for reads), quick 2 s (1.5 s). */
export const seconds = {
  write: quick ? 2 : 10,
  read: quick ? 1.5 : 5,
  warmup: quick ? 0.3 : 1,
};

// ---------------------------------------------------------------------------------------------------
// Timing and statistics

export const now = () => performance.now();

export interface LoadResult {
  ok: number;
  failed: number;
  /** Failures by what they were (HTTP status or error code), for the report. */
  failures: Record<string, number>;
  /** Latency of every successful operation, ms. */
  latencies: Float64Array;
  elapsedMs: number;
}

/** What one operation reports: true for success, or a short label for the failure. */
export type Outcome = true | string;

/**
 * Run `op` from `concurrency` loops for `durationMs`: each loop starts its next operation as soon as
 * the previous one finishes (closed loop), so throughput is what the system sustains at that
 * concurrency, and latency is what each caller waits.
 */
export async function runLoad(opts: {
  concurrency: number;
  durationMs: number;
  op: (worker: number) => Promise<Outcome>;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let failed = 0;
  const start = now();
  const end = start + opts.durationMs;
  const loop = async (worker: number) => {
    while (now() < end) {
      const t0 = now();
      let outcome: Outcome;
      try {
        outcome = await opts.op(worker);
      } catch (err) {
        outcome =
          err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message.slice(0, 40)) : String(err);
      }
      if (outcome === true) latencies.push(now() - t0);
      else {
        failed++;
        failures[outcome] = (failures[outcome] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, (_, i) => loop(i)));
  return { ok: latencies.length, failed, failures, latencies: Float64Array.from(latencies), elapsedMs: now() - start };
}

/** Several runs of the same case (e.g. interleaved rounds) as one. */
export function mergeLoads(results: LoadResult[]): LoadResult {
  const failures: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.failures)) failures[k] = (failures[k] ?? 0) + v;
  const total = results.reduce((n, r) => n + r.latencies.length, 0);
  const latencies = new Float64Array(total);
  let at = 0;
  for (const r of results) {
    latencies.set(r.latencies, at);
    at += r.latencies.length;
  }
  return {
    ok: results.reduce((n, r) => n + r.ok, 0),
    failed: results.reduce((n, r) => n + r.failed, 0),
    failures,
    latencies,
    elapsedMs: results.reduce((n, r) => n + r.elapsedMs, 0),
  };
}

/** One way of doing the same work under load: over HTTP (worker thread) or direct SQL (this thread). */
export interface Side {
  name: string;
  run(durationMs: number, warmupMs: number): Promise<LoadResult>;
}

/** A side issuing `op` from this thread in `concurrency` closed loops. */
export function sqlSide(name: string, concurrency: number, op: () => Promise<Outcome>): Side {
  return {
    name,
    run: async (durationMs, warmupMs) => {
      if (warmupMs > 0) await runLoad({ concurrency, durationMs: warmupMs, op });
      return runLoad({ concurrency, durationMs, op });
    },
  };
}

/** Every round of every side of a comparison. */
export class Comparison {
  constructor(readonly rounds: Map<string, LoadResult[]>) {}

  /** All rounds of a side as one result. */
  get(name: string): LoadResult {
    const r = this.rounds.get(name);
    if (!r) throw new Error(`no side ${name}`);
    return mergeLoads(r);
  }

  /** Lowest and highest of a's rate / b's rate within the same round: how much the machine moved. */
  ratioRange(a: string, b: string): [number, number] {
    const ra = this.rounds.get(a) ?? [];
    const rb = this.rounds.get(b) ?? [];
    const ratios = ra.map((x, i) => rate(x) / rate(rb[i]!)).filter(Number.isFinite);
    return [Math.min(...ratios), Math.max(...ratios)];
  }
}

const rate = (r: LoadResult) => r.ok / (r.elapsedMs / 1000);

/**
 * Run every side for `totalSeconds` each, in short rounds whose order alternates (A B C, C B A, …), so
 * load from others on a shared machine falls on all sides alike. Each side warms up before its first
 * round.
 */
export async function compare(sides: Side[], totalSeconds: number): Promise<Comparison> {
  const rounds = quick ? 2 : 5;
  const slice = (totalSeconds * 1000) / rounds;
  const warmupMs = seconds.warmup * 1000;
  const results = new Map<string, LoadResult[]>(sides.map((s) => [s.name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const profile = profileDir && profileSides.test(side.name) ? await startProfile() : undefined;
      results.get(side.name)!.push(await side.run(slice, round === 0 ? warmupMs : 0));
      await profile?.stop(side.name);
    }
  }
  return new Comparison(results);
}

/**
 * BENCH_PROFILE=dir: a CPU profile of this thread (the server under test) during each round of the sides
 * whose name matches BENCH_PROFILE_SIDES (default: http), written as dir/<side>-<n>.cpuprofile.
 */
const profileDir = process.env.BENCH_PROFILE;
const profileSides = new RegExp(process.env.BENCH_PROFILE_SIDES ?? '^http');
let profileCount = 0;
async function startProfile(): Promise<{ stop(name: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    stop: async (name) => {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      mkdirSync(profileDir!, { recursive: true });
      writeFileSync(`${profileDir}/${name}-${++profileCount}.cpuprofile`, JSON.stringify(profile));
    },
  };
}

export interface Summary {
  ok: number;
  failed: number;
  perSecond: number;
  p50: number;
  p99: number;
  failures: Record<string, number>;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarize(r: LoadResult): Summary {
  const sorted = Float64Array.from(r.latencies).sort();
  return {
    ok: r.ok,
    failed: r.failed,
    perSecond: r.ok / (r.elapsedMs / 1000),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    failures: r.failures,
  };
}

/** Median of a few numbers (start-up times and the like). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

// ---------------------------------------------------------------------------------------------------
// Formatting

const nf0 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const nf1 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export const fmt = {
  int: (n: number) => (Number.isFinite(n) ? nf0.format(n) : '–'),
  ms: (n: number) => (Number.isFinite(n) ? (n < 10 ? `${nf1.format(n)} ms` : `${nf0.format(n)} ms`) : '–'),
  pct: (n: number) => (Number.isFinite(n) ? `${nf0.format(n * 100)} %` : '–'),
  range: ([lo, hi]: [number, number]) =>
    Number.isFinite(lo) && Number.isFinite(hi) ? `${nf0.format(lo * 100)}–${nf0.format(hi * 100)} %` : '–',
  mb: (kb: number) => (Number.isFinite(kb) ? `${nf0.format(kb / 1024)} MB` : '–'),
  failures: (f: Record<string, number>) =>
    Object.entries(f)
      .map(([k, v]) => `${k}×${v}`)
      .join(' ') || '0',
};

/** Print a Markdown table (readable in a terminal, pasteable into the README). */
export function printTable(title: string, headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => /^[-–\d.,]+( ?(%|ms|MB|s|×))?$|^–$/.test(r[i] ?? '')),
  );
  const cell = (s: string, i: number) => (numeric[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!));
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  console.log(`\n### ${title}\n`);
  console.log(line(headers));
  console.log(`| ${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`);
  for (const r of rows) console.log(line(headers.map((_, i) => r[i] ?? '')));
}

/** A progress line on stderr, so stdout stays the tables. */
export function note(message: string): void {
  process.stderr.write(`  · ${message}\n`);
}

// ---------------------------------------------------------------------------------------------------
// Results and checks collected across benchmarks, for the summary at the end

export interface Figure {
  bench: string;
  what: string;
  value: string;
  baseline: string;
  ratio: string;
  target?: string;
}

export const figures: Figure[] = [];
export const failedChecks: string[] = [];

/** Record a correctness check; a failed one makes the whole run exit 1. */
export function check(name: string, ok: boolean, detail = ''): boolean {
  if (ok) console.log(`${name}: ok${detail ? ` (${detail})` : ''}`);
  else {
    console.log(`${name}: FAILED${detail ? ` — ${detail}` : ''}`);
    failedChecks.push(`${name}${detail ? `: ${detail}` : ''}`);
  }
  return ok;
}

// ---------------------------------------------------------------------------------------------------
// A small keep-alive HTTP client (node:http; one socket per concurrent caller, reused)

export interface HttpResponse {
  status: number;
  body: string;
}

export class HttpClient {
  readonly agent: http.Agent;

  constructor(
    readonly port: number,
    readonly token?: string,
    maxSockets = 64,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' });
  }

  /** One request; `token` (a member's session) stands in for the client's own token. */
  request(method: string, path: string, body?: unknown, token = this.token): Promise<HttpResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: this.port, method, path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  async json<T>(method: string, path: string, body: unknown, expect: number): Promise<T> {
    const res = await this.request(method, path, body);
    if (res.status !== expect)
      throw new Error(`${method} ${path} → ${res.status} (expected ${expect}): ${res.body.slice(0, 500)}`);
    return JSON.parse(res.body) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}
