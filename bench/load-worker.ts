/**
 * The HTTP load generator, run in a worker thread: the server under test keeps the main thread's event
 * loop to itself (the client's own CPU is not charged to the server's event loop), while both stay in
 * one process. One worker serves every job of a run, so switching sides between rounds costs nothing.
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { HttpClient, runLoad, type LoadResult, type Outcome } from './lib.ts';

/**
 * A job whose operation lives in another bench file: the worker imports `module` and calls its exported
 * `loadOps[op](data, client)`, so every benchmark shares this one worker instead of starting its own.
 */
export type ModuleJob = {
  kind: 'module';
  module: string;
  op: string;
  data: unknown;
  port: number;
  token: string;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
};
export type LoadOps = Record<string, (data: never, client: HttpClient) => () => Promise<Outcome>>;

export type HttpJob =
  | ModuleJob
  | {
      kind: 'reserve';
      port: number;
      token: string;
      concurrency: number;
      durationMs: number;
      warmupMs: number;
      rows: Array<{ variantId: string; locationId: string }>;
    }
  | {
      kind: 'get';
      port: number;
      token?: string;
      concurrency: number;
      durationMs: number;
      warmupMs: number;
      paths: string[];
    };

// tsx's loader is registered on the main thread only (Node 20): the worker registers its own, then
// loads this file.
const bootstrap = () => `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;

let shared: { worker: Worker; queue: Promise<unknown> } | undefined;

/** Run one HTTP load job in the load worker (started on first use) and return its result. */
export function httpLoad(job: HttpJob): Promise<LoadResult> {
  if (!shared) {
    const worker = new Worker(bootstrap(), { eval: true, workerData: { loadWorker: true } });
    worker.unref();
    shared = { worker, queue: Promise.resolve() };
  }
  const { worker } = shared;
  const result = shared.queue.then(
    () =>
      new Promise<LoadResult>((resolve, reject) => {
        const onMessage = (r: LoadResult | { error: string }) => {
          cleanup();
          if ('error' in r) reject(new Error(`load worker: ${r.error}`));
          else resolve(r);
        };
        const onError = (err: Error) => {
          cleanup();
          shared = undefined;
          reject(err);
        };
        const onExit = (code: number) => {
          cleanup();
          shared = undefined;
          reject(new Error(`load worker exited with ${code}`));
        };
        const cleanup = () => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        };
        worker.on('message', onMessage);
        worker.once('error', onError);
        worker.once('exit', onExit);
        worker.postMessage(job);
      }),
  );
  shared.queue = result.catch(() => {});
  return result;
}

/** Stop the load worker (end of run). */
export async function closeLoadWorker(): Promise<void> {
  const w = shared?.worker;
  shared = undefined;
  await w?.terminate();
}

async function moduleOp(job: ModuleJob, client: HttpClient): Promise<() => Promise<Outcome>> {
  const { loadOps } = (await import(job.module)) as {
    loadOps: Record<string, (data: unknown, client: HttpClient) => () => Promise<Outcome>>;
  };
  const make = loadOps[job.op];
  if (!make) throw new Error(`${job.module} has no load op ${job.op}`);
  return make(job.data, client);
}

/** One operation of a job, given a client (used by the worker, and inline by the tests). */
export function jobOp(job: Exclude<HttpJob, ModuleJob>, client: HttpClient): () => Promise<Outcome> {
  const pick = <T>(xs: T[]): T => xs[xs.length === 1 ? 0 : Math.floor(Math.random() * xs.length)]!;
  if (job.kind === 'reserve') {
    return async () => {
      const row = pick(job.rows);
      const res = await client.request('POST', '/api/reservations', {
        lines: [{ ...row, quantity: 1 }],
        ttlSeconds: 600,
        reason: 'cart',
      });
      return res.status === 201 ? true : `HTTP ${res.status}`;
    };
  }
  return async () => {
    const res = await client.request('GET', pick(job.paths));
    return res.status === 200 ? true : `HTTP ${res.status}`;
  };
}

async function work(job: HttpJob): Promise<LoadResult> {
  const client = new HttpClient(job.port, job.token, job.concurrency);
  try {
    // One op for warm-up and measurement (a checkout job's carts are consumed in order across both).
    const op = job.kind === 'module' ? await moduleOp(job, client) : jobOp(job, client);
    if (job.warmupMs > 0) await runLoad({ concurrency: job.concurrency, durationMs: job.warmupMs, op });
    return await runLoad({ concurrency: job.concurrency, durationMs: job.durationMs, op });
  } finally {
    client.close();
  }
}

if (parentPort && (workerData as { loadWorker?: boolean } | null)?.loadWorker) {
  const port = parentPort;
  port.on('message', (job: HttpJob) => {
    work(job).then(
      (result) => port.postMessage(result, [result.latencies.buffer as ArrayBuffer]),
      (err: unknown) => port.postMessage({ error: err instanceof Error ? err.message : String(err) }),
    );
  });
}
