import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const serverRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningServer {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<number | null>;
}

/** A port the kernel has just handed out and nobody holds (a fresh pick can still be taken; callers retry). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * How a test runs the server as a process: compiled, as `npm start` runs it (global-setup.ts builds it),
 * else from the sources through tsx.
 */
function serverCommand(): string[] {
  const compiled = process.env.MUSUBI_TEST_SERVER;
  return compiled ? ['--enable-source-maps', compiled] : ['--import', 'tsx', 'src/main.ts'];
}

/**
 * Start the server (serverCommand) as its own process and wait for /health. Without a PORT it
 * listens on a free port, and if another process takes that port before it binds, it tries another.
 */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<RunningServer> {
  if (env.PORT) return startOn(env, env.PORT, timeoutMs);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(env, String(await freePort()), timeoutMs);
    } catch (err) {
      if (attempt >= 5 || !String((err as Error).message).includes('EADDRINUSE')) throw err;
    }
  }
}

/** Loopback, which the tests' webhook receivers listen on: allowed to webhooks in every test server. */
export const LOOPBACK_CIDRS = '127.0.0.0/8,::1/128';

async function startOn(env: Record<string, string>, port: string, timeoutMs: number): Promise<RunningServer> {
  const child = spawn(process.execPath, serverCommand(), {
    cwd: serverRoot,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      MUSUBI_DEMO: '0',
      CARD_PROVIDER: 'test',
      HOST: '127.0.0.1',
      // The tests' partners (webhook receivers) listen on loopback, which is refused unless allowed.
      WEBHOOK_ALLOW_CIDRS: LOOPBACK_CIDRS,
      ...env,
      PORT: port,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${out}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become healthy: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Run the server (serverCommand) and wait for it to exit (for start-up failures). */
export function runServerToExit(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, serverCommand(), {
      cwd: serverRoot,
      env: { ...process.env, LOG_LEVEL: 'warn', MUSUBI_DEMO: '0', CARD_PROVIDER: 'test', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output: out });
    });
  });
}

/** Collect SSE events from a URL until `count` arrive or the time runs out. */
export async function collectEvents(
  url: string,
  count: number,
  timeoutMs: number,
  onOpen?: () => Promise<void>,
): Promise<Array<{ event: string; data: unknown }>> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  const events: Array<{ event: string; data: unknown }> = [];
  try {
    const res = await fetch(url, { signal: ctrl.signal, headers: { accept: 'text/event-stream' } });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let opened = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      if (!opened && buffer.includes(': connected')) {
        opened = true;
        await onOpen?.();
      }
      let idx: number;
      while ((idx = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, idx);
        buffer = buffer.slice(idx + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
      if (events.length >= count) break;
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    clearTimeout(timer);
    ctrl.abort();
  }
  return events;
}

/**
 * A store row written straight into a server database that app processes share (a location is seeded
 * data; the tests that start processes have no in-process app to create it through).
 */
export async function seedStoreRow(
  databaseUrl: string,
  store: { id: string; code: string; name: string },
): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO locations (id, code, name, kind, prefecture, city, address, lat, lng, opening_hours, services)
       VALUES ($1, $2, $3, 'store', '東京都', '渋谷区', '1-1', 35.66, 139.70, '{}', '{"pickup":true,"orderAhead":false,"deliveryRadiusKm":null,"shipping":false}')`,
      [store.id, store.code, store.name],
    );
  } finally {
    await client.end();
  }
}
