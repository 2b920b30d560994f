import type { FastifyBaseLogger } from 'fastify';

export interface Job {
  name: string;
  everyMs: number;
  /** A first run this soon after start, rather than a whole interval later (a daily job's first answer). */
  firstAfterMs?: number;
  run: () => Promise<unknown>;
}

/** Told how each run of a job ended (the metrics record last success, failures and duration). */
export interface JobObserver {
  scheduled?(job: Job): void;
  finished(job: Job, outcome: { ok: boolean; seconds: number }): void;
}

/**
 * Runs each job on its interval, never overlapping itself. Jobs must be safe to run in several app
 * copies at once (they use guarded updates), so no leader election is needed.
 */
export function startJobs(jobs: Job[], log: FastifyBaseLogger, observer?: JobObserver): () => Promise<void> {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  let stopped = false;
  for (const job of jobs) {
    observer?.scheduled?.(job);
    let busy = false;
    const tick = () => {
      if (busy || stopped) return;
      busy = true;
      const startedAt = performance.now();
      const seconds = () => (performance.now() - startedAt) / 1000;
      const p = job
        .run()
        .then(
          () => observer?.finished(job, { ok: true, seconds: seconds() }),
          (err) => {
            log.warn({ err, job: job.name }, 'job failed');
            observer?.finished(job, { ok: false, seconds: seconds() });
          },
        )
        .finally(() => {
          busy = false;
          running.delete(p);
        });
      running.add(p);
    };
    const t = setInterval(tick, job.everyMs);
    t.unref();
    timers.push(t);
    if (job.firstAfterMs !== undefined) {
      const first = setTimeout(tick, job.firstAfterMs);
      first.unref();
      timers.push(first);
    }
  }
  return async () => {
    stopped = true;
    timers.forEach((timer) => clearTimeout(timer)); // clearTimeout clears intervals as well
    await Promise.allSettled([...running]);
  };
}
