/**
 * Start-up: the server as `npm start` runs it (compiled by server/scripts/build.mjs, `node
 * --enable-source-maps main.mjs`) as a child process on a fresh DATA_DIR (initdb, migrations, demo seed),
 * then again on the same DATA_DIR, timed to the first 200 from GET /health, with resident memory, graceful
 * SIGTERM, and the DATA_DIR lock; and restarts from the sources through tsx (`node --import tsx
 * server/src/main.ts`, as `npm run dev` and the CLIs run), alternating with the compiled ones. Baseline:
 * the runtime's own start (`node -e 0`, `node --import tsx -e 0`) measured in the same run.
 *
 * Targets (issue 18 §3, a café's mini PC): the first start's peak memory ≤ 500 MB — the resident memory
 * of the server and its children together (the first start runs in a child process, server/src/first-start.ts),
 * sampled every 100 ms, and the server's own VmHWM, to /health and through the first 30 s of jobs — and a
 * restart ≤ 1.5 s to /health 200 (median). The load average is printed with them:
 * the machine is shared, and a loaded one stretches every time here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileServerToCache } from '../server/scripts/build.mjs';
import { check, figures, fmt, median, note, now, printTable, quick } from './lib.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const RESTART_TARGET_MS = 1500;
const FIRST_PEAK_TARGET_MB = 500;
/** After the first start's /health, how long the peak keeps being watched (the jobs' first runs). */
const AFTER_HEALTH_MS = quick ? 5_000 : 30_000;

interface Child {
  child: ChildProcess;
  pid: number;
  startedAt: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** The environment of a child: ours without anything that would point it at another database. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of [
    'DATABASE_URL',
    'DATA_DIR',
    'PORT',
    'HOST',
    'MUSUBI_DEMO',
    'MUSUBI_BOOTSTRAP_TOKEN',
    'MUSUBI_SECRET',
    'LOG_LEVEL',
    'NODE_OPTIONS',
  ])
    delete env[k];
  return { ...env, ...extra };
}

function launch(args: string[], env: NodeJS.ProcessEnv): Child {
  const startedAt = now();
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, at: now() }));
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${args.join(' ')}`);
  return { child, pid: child.pid, startedAt, output: () => out, exited };
}

/** The compiled server's main.mjs (benchStartup compiles it first); without one, the sources through tsx. */
let compiledMain: string | undefined;

function startMusubi(dataDir: string, port: number, from: 'compiled' | 'sources' = 'compiled'): Child {
  return launch(
    from === 'compiled' && compiledMain
      ? ['--enable-source-maps', compiledMain]
      : ['--import', 'tsx', 'server/src/main.ts'],
    childEnv({ DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', MUSUBI_DEMO: '1', LOG_LEVEL: 'info' }),
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function healthStatus(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/health', agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** Poll /health until 200; the time from spawn, or the exit if the child dies first. */
async function waitHealthy(
  c: Child,
  port: number,
  timeoutMs: number,
): Promise<{ ms: number } | { exit: number | null }> {
  let exit: { code: number | null } | undefined;
  void c.exited.then((e) => (exit = e));
  const deadline = now() + timeoutMs;
  while (now() < deadline) {
    if (exit) return { exit: exit.code };
    if ((await healthStatus(port)) === 200) return { ms: now() - c.startedAt };
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no healthy /health within ${timeoutMs} ms; output:\n${c.output().slice(-2000)}`);
}

/** VmRSS and VmHWM (peak) of a process, kB. */
function memoryKb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/** The resident memory of a process and all its descendants, kB (0 once gone). */
function treeRssKb(pid: number): number {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      /* gone meanwhile */
    }
  }
  let total = 0;
  const walk = (p: number) => {
    try {
      total += memoryKb(p).rss || 0;
    } catch {
      /* gone meanwhile */
    }
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return total;
}

/** Sample the tree's resident memory until stopped; returns the highest seen, kB. */
function watchTree(pid: number, everyMs = 100): { stop(): number; peak(): number } {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, treeRssKb(pid))), everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
    peak: () => peak,
  };
}

/** SIGTERM and wait; returns how long it took and the exit code, or kills it after `graceMs`. */
async function stop(c: Child, graceMs = 5000): Promise<{ ms: number; code: number | null; graceful: boolean }> {
  const t0 = now();
  c.child.kill('SIGTERM');
  const timer = new Promise<null>((r) => setTimeout(() => r(null), graceMs).unref());
  const done = await Promise.race([c.exited, timer]);
  if (!done) {
    c.child.kill('SIGKILL');
    const e = await c.exited;
    return { ms: now() - t0, code: e.code, graceful: false };
  }
  return { ms: done.at - t0, code: done.code, graceful: true };
}

async function timeCommand(args: string[]): Promise<number> {
  const c = launch(args, childEnv({}));
  const e = await c.exited;
  if (e.code !== 0) throw new Error(`node ${args.join(' ')} exited ${e.code}: ${c.output()}`);
  return e.at - c.startedAt;
}

interface StartFigure {
  label: string;
  ms: number;
  rssKb: number;
  peakKb: number;
  /** The peak again after `AFTER_HEALTH_MS` of running (first start only). */
  laterPeakKb?: number;
  /** The first start's child's own peak (VmHWM, MB), as the server logs it; and the server's own VmHWM, kB. */
  childPeakMb?: number;
  ownPeakKb: number;
  stopMs: number;
  stopCode: number | null;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function oneStart(
  label: string,
  dataDir: string,
  timeoutMs: number,
  watchAfterMs = 0,
  from: 'compiled' | 'sources' = 'compiled',
): Promise<StartFigure> {
  const port = await freePort();
  const c = startMusubi(dataDir, port, from);
  const tree = watchTree(c.pid);
  try {
    const h = await waitHealthy(c, port, timeoutMs);
    if ('exit' in h)
      throw new Error(`${label}: exited with ${h.exit} before /health answered:\n${c.output().slice(-2000)}`);
    const own = memoryKb(c.pid);
    const mem = { rss: own.rss, peak: Math.max(own.peak, tree.peak()) };
    let laterPeakKb: number | undefined;
    if (watchAfterMs > 0) {
      await new Promise((r) => setTimeout(r, watchAfterMs));
      laterPeakKb = Math.max(memoryKb(c.pid).peak, tree.peak());
    }
    tree.stop();
    const s = await stop(c);
    check(`${label}: SIGTERM → exit 0 within 5 s`, s.graceful && s.code === 0, `exit ${s.code} after ${fmt.ms(s.ms)}`);
    const childPeak = /"peakRssMb":(\d+),"msg":"DATA_DIR made/.exec(c.output())?.[1];
    return {
      label,
      ms: h.ms,
      rssKb: mem.rss,
      peakKb: mem.peak,
      ownPeakKb: own.peak,
      ...(childPeak ? { childPeakMb: Number(childPeak) } : {}),
      ...(laterPeakKb !== undefined ? { laterPeakKb } : {}),
      stopMs: s.ms,
      stopCode: s.code,
    };
  } finally {
    tree.stop();
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  }
}

/** A second Musubi on a DATA_DIR in use must refuse to start and say why. */
async function lockChecks(dataDir: string): Promise<void> {
  const oks: boolean[] = [];
  // 1. The first is up; the second comes later.
  const p1 = await freePort();
  const first = startMusubi(dataDir, p1);
  try {
    const h = await waitHealthy(first, p1, 30_000);
    if ('exit' in h) throw new Error(`first instance exited with ${h.exit}:\n${first.output().slice(-2000)}`);
    const second = startMusubi(dataDir, await freePort());
    const e = await Promise.race([second.exited, new Promise<null>((r) => setTimeout(() => r(null), 20_000).unref())]);
    if (!e) second.child.kill('SIGKILL');
    const said = second.output();
    oks.push(
      check(
        'data dir lock: second start refuses (exit ≠ 0, names DATA_DIR)',
        !!e && e.code !== 0 && /DATA_DIR/.test(said),
        e ? `exit ${e.code}: ${said.trim().split('\n').pop()?.slice(0, 160)}` : 'still running after 20 s',
      ),
    );
    oks.push(check('data dir lock: first instance still healthy', (await healthStatus(p1)) === 200));
  } finally {
    await stop(first);
  }

  // 2. Two at once: exactly one may run.
  const [pa, pb] = [await freePort(), await freePort()];
  const a = startMusubi(dataDir, pa);
  const b = startMusubi(dataDir, pb);
  try {
    const [ra, rb] = await Promise.all([waitHealthy(a, pa, 30_000), waitHealthy(b, pb, 30_000)]);
    const up = [ra, rb].filter((r) => 'ms' in r).length;
    const refused = [
      [ra, a],
      [rb, b],
    ].filter(
      ([r, c]) =>
        'exit' in (r as object) && (r as { exit: number | null }).exit !== 0 && /DATA_DIR/.test((c as Child).output()),
    ).length;
    oks.push(
      check(
        'data dir lock: two simultaneous starts → exactly one runs',
        up === 1 && refused === 1,
        `${up} running, ${refused} refused`,
      ),
    );
  } finally {
    await Promise.all([a, b].map((c) => (c.child.exitCode === null && c.child.signalCode === null ? stop(c) : null)));
  }
  console.log(`data dir lock: ${oks.length === 3 && oks.every(Boolean) ? 'ok' : 'FAILED'}`);
}

export async function benchStartup(): Promise<void> {
  console.log(
    '\n## Start-up: the compiled server as npm start runs it (PGlite DATA_DIR, MUSUBI_DEMO=1) vs the runtime alone',
  );
  const dir = mkdtempSync(join(tmpdir(), 'musubi-bench-start-'));
  const dataDir = join(dir, 'data');
  const compileStarted = now();
  const compiled = await compileServerToCache('musubi-bench-server-');
  compiledMain = join(compiled, 'main.mjs');
  note(`server compiled (server/scripts/build.mjs, as npm start's prestart) in ${fmt.ms(now() - compileStarted)}`);
  try {
    const runs = quick ? 3 : 5;
    note(`baseline: node -e 0 and node --import tsx -e 0, ${runs} runs each`);
    const nodeMs: number[] = [];
    const tsxMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      nodeMs.push(await timeCommand(['-e', '0']));
      tsxMs.push(await timeCommand(['--import', 'tsx', '-e', '0']));
    }
    const nodeBase = median(nodeMs);
    const tsxBase = median(tsxMs);

    const loadBefore = load();
    note(`first start on an empty DATA_DIR (cluster + migrations + demo seed); load average ${loadBefore}`);
    const first = await oneStart('first start', dataDir, 300_000, AFTER_HEALTH_MS);
    const restarts: StartFigure[] = [];
    const fromSources: StartFigure[] = [];
    const restartRuns = quick ? 1 : 3;
    for (let i = 0; i < restartRuns; i++) {
      note(`restart ${i + 1}/${restartRuns} on the same DATA_DIR, compiled then from the sources`);
      restarts.push(await oneStart(`restart ${i + 1}`, dataDir, 60_000));
      fromSources.push(await oneStart(`restart ${i + 1} from the sources (tsx)`, dataDir, 60_000, 0, 'sources'));
    }
    check('clean shutdown removes the DATA_DIR lock file', !existsSync(join(dataDir, 'musubi.lock')));
    const restartMs = median(restarts.map((r) => r.ms));
    const sourcesMs = median(fromSources.map((r) => r.ms));
    const restartRss = median(restarts.map((r) => r.rssKb));
    const loadAfter = load();

    const row = (what: string, ms: number, base: number, rss: string, peak: string, stopMs: string) => [
      what,
      fmt.ms(ms),
      fmt.ms(base),
      `${(ms / base).toFixed(1)} ×`,
      rss,
      peak,
      stopMs,
    ];
    printTable(
      'Start-up to first 200 from /health (ratio = × the runtime start: node -e 0 for the compiled server, node --import tsx -e 0 from the sources)',
      ['start', 'time', 'baseline', 'ratio', 'RSS after health', 'peak RSS', 'SIGTERM → exit'],
      [
        ['node -e 0 (runtime alone)', fmt.ms(nodeBase), '–', '–', '–', '–', '–'],
        ['node --import tsx -e 0', fmt.ms(tsxBase), '–', '–', '–', '–', '–'],
        row(
          'first start (initdb + migrations + seed)',
          first.ms,
          nodeBase,
          fmt.mb(first.rssKb),
          fmt.mb(first.peakKb),
          fmt.ms(first.stopMs),
        ),
        ...restarts.map((r) =>
          row(`${r.label} (existing DATA_DIR)`, r.ms, nodeBase, fmt.mb(r.rssKb), fmt.mb(r.peakKb), fmt.ms(r.stopMs)),
        ),
        ...fromSources.map((r) => row(r.label, r.ms, tsxBase, fmt.mb(r.rssKb), fmt.mb(r.peakKb), fmt.ms(r.stopMs))),
      ],
    );
    const firstPeakKb = Math.max(first.peakKb, first.laterPeakKb ?? 0);
    const peakMet = firstPeakKb / 1024 <= FIRST_PEAK_TARGET_MB;
    const restartMet = restartMs <= RESTART_TARGET_MS;
    console.log(
      `\nfirst start peak memory ${fmt.mb(first.peakKb)} at /health, ${fmt.mb(first.laterPeakKb ?? NaN)} after ${fmt.ms(AFTER_HEALTH_MS)} of jobs (target ≤ ${FIRST_PEAK_TARGET_MB} MB): ${peakMet ? 'met' : 'MISSED'}`,
    );
    console.log(
      `first start: the child's own peak ${first.childPeakMb ?? '?'} MB, the server's own ${fmt.mb(first.ownPeakKb)} (VmHWM)`,
    );
    console.log(
      `restart median ${fmt.ms(restartMs)}, RSS ${fmt.mb(restartRss)} (target ≤ ${fmt.ms(RESTART_TARGET_MS)}): ${restartMet ? 'met' : 'MISSED'}; from the sources through tsx ${fmt.ms(sourcesMs)}`,
    );
    console.log(`load average ${loadBefore} at the first start, ${loadAfter} after the restarts`);
    figures.push({
      bench: 'startup',
      what: 'first start (empty DATA_DIR)',
      value: fmt.ms(first.ms),
      baseline: `${fmt.ms(nodeBase)} (node)`,
      ratio: `${(first.ms / nodeBase).toFixed(1)} ×`,
    });
    figures.push({
      bench: 'startup',
      what: `restart (existing DATA_DIR), median of ${restarts.length}`,
      value: fmt.ms(restartMs),
      baseline: `${fmt.ms(nodeBase)} (node)`,
      ratio: `${(restartMs / nodeBase).toFixed(1)} ×`,
      target: restartMet ? '≤ 1.5 s met' : '≤ 1.5 s MISSED',
    });
    figures.push({
      bench: 'startup',
      what: `restart from the sources through tsx, median of ${fromSources.length}`,
      value: fmt.ms(sourcesMs),
      baseline: `${fmt.ms(tsxBase)} (node+tsx)`,
      ratio: `${(sourcesMs / tsxBase).toFixed(1)} ×`,
    });
    figures.push({
      bench: 'startup',
      what: 'first start peak memory (server + child, to /health + 30 s of jobs)',
      value: fmt.mb(firstPeakKb),
      baseline: '',
      ratio: '',
      target: peakMet ? '≤ 500 MB met' : '≤ 500 MB MISSED',
    });
    figures.push({
      bench: 'startup',
      what: 'RSS after first start / restart',
      value: `${fmt.mb(first.rssKb)} / ${fmt.mb(restartRss)}`,
      baseline: '',
      ratio: '',
    });

    note('DATA_DIR lock: a second start, and two at once');
    await lockChecks(dataDir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(compiled, { recursive: true, force: true });
    compiledMain = undefined;
  }
}
