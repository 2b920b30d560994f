import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { query, type Database } from '../db/connection.ts';
import { migrationsFolder } from '../db/migrate.ts';
import { defineProblems, type CodesOf } from '../errors.ts';
import { problemFor, sendProblem } from './problem.ts';

/** Where this copy is in its life: ready once built and migrated, draining from the start of close(). */
export interface Lifecycle {
  ready: boolean;
  draining: boolean;
}

/** Probes answer within this, whatever the database does (a kubelet's timeoutSeconds should be above it). */
export const PROBE_TIMEOUT_MS = 2000;

export const probeProblems = defineProblems({
  'platform.not_ready': {
    status: 503,
    ja: {
      title: '準備ができていません',
      detail: (p) => `このサーバーは今リクエストを受けられません（${String(p.failing)}）。`,
    },
    en: { title: 'Not ready', detail: (p) => `This server copy cannot take requests now (${String(p.failing)}).` },
  },
});

type DatabaseState = 'ok' | 'timeout' | 'error';
type MigrationState = 'ok' | 'pending' | 'unknown';

/** The `when` of the newest migration in server/drizzle: a database is migrated once it has applied that one. */
const latestMigration: number = (() => {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: Array<{ when: number }>;
  };
  return Math.max(0, ...journal.entries.map((e) => e.when));
})();

/**
 * One database check at a time, however many probes arrive: a probe that finds one running waits for it
 * instead of queueing another query behind a stuck database. The answer comes within `timeoutMs`.
 */
export function databaseCheck(database: Database, timeoutMs = PROBE_TIMEOUT_MS) {
  let migrated = false;
  let running: Promise<{ database: DatabaseState; migrations: MigrationState }> | undefined;
  const run = async (): Promise<{ database: DatabaseState; migrations: MigrationState }> => {
    // Migrations never go backwards: once applied, a plain SELECT 1 is enough.
    if (migrated) {
      await database.db.execute(sql`SELECT 1`);
      return { database: 'ok', migrations: 'ok' };
    }
    const rows = await query<{ applied: string | number | null }>(
      database.db,
      sql`SELECT max(created_at) AS applied FROM drizzle.__drizzle_migrations`,
    ).catch(async () => {
      // The table is missing (nothing migrated yet) or unreadable: reachable is still worth knowing.
      await database.db.execute(sql`SELECT 1`);
      return [];
    });
    migrated = Number(rows[0]?.applied ?? 0) >= latestMigration;
    return { database: 'ok', migrations: migrated ? 'ok' : 'pending' };
  };
  return async (): Promise<{ database: DatabaseState; migrations: MigrationState }> => {
    running ??= run()
      .catch(() => ({ database: 'error' as const, migrations: 'unknown' as const }))
      .finally(() => (running = undefined));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<{ database: DatabaseState; migrations: MigrationState }>((resolve) => {
      timer = setTimeout(() => resolve({ database: 'timeout', migrations: 'unknown' }), timeoutMs);
    });
    try {
      return await Promise.race([running, late]);
    } finally {
      clearTimeout(timer);
    }
  };
}

export interface ProbeOptions {
  database: Database;
  lifecycle: Lifecycle;
  version: string;
  timeoutMs?: number;
}

/**
 * /livez, /readyz and /health. None needs credentials; none reveals more than up/down, the database kind
 * and the version. Listed in OpenAPI under the `platform` tag.
 */
export function probeRoutes(opts: ProbeOptions) {
  const check = databaseCheck(opts.database, opts.timeoutMs);
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/livez',
      {
        schema: {
          tags: ['platform'],
          summary: 'Liveness: the process is up and its event loop turns (never touches the database)',
          security: [],
          response: { 200: z.object({ status: z.literal('ok') }) },
        },
      },
      async () => ({ status: 'ok' as const }),
    );

    r.get(
      '/readyz',
      {
        schema: {
          tags: ['platform'],
          summary: 'Readiness: the database answers in time, migrations are applied and the copy is not shutting down',
          description: `200 when this copy should get traffic; 503 problem (platform.not_ready, with checks) when not. Answers within ${PROBE_TIMEOUT_MS / 1000} s.`,
          security: [],
          response: {
            200: z.object({
              status: z.literal('ready'),
              checks: z.object({ database: z.literal('ok'), migrations: z.literal('ok'), draining: z.literal(false) }),
            }),
          },
        },
      },
      async (request, reply) => {
        const { lifecycle } = opts;
        // A draining copy says so at once, without asking the database: the balancer should stop sending.
        const db = lifecycle.draining
          ? { database: 'ok' as DatabaseState, migrations: 'ok' as MigrationState }
          : await check();
        const checks = {
          database: db.database,
          migrations: db.migrations,
          draining: lifecycle.draining,
          started: lifecycle.ready,
        };
        const failing = [
          ...(lifecycle.ready ? [] : ['starting']),
          ...(lifecycle.draining ? ['draining'] : []),
          ...(db.database === 'ok' ? [] : [`database ${db.database}`]),
          ...(db.migrations === 'ok' || db.database !== 'ok' ? [] : ['migrations pending']),
        ];
        if (failing.length) {
          reply.header('cache-control', 'no-store');
          return sendProblem(reply, {
            ...problemFor('platform.not_ready', request.lang, { failing: failing.join(', '), checks }),
            instance: '/readyz',
          });
        }
        reply.header('cache-control', 'no-store');
        return {
          status: 'ready' as const,
          checks: { database: 'ok' as const, migrations: 'ok' as const, draining: false as const },
        };
      },
    );

    r.get(
      '/health',
      {
        schema: {
          tags: ['platform'],
          summary: 'Liveness and database check',
          description: `Answers within ${PROBE_TIMEOUT_MS / 1000} s whatever the database does: 503 problem (platform.unavailable) when it does not answer in time. A read replica lagging or down is reported, never a failure.`,
          security: [],
          response: {
            200: z.object({
              status: z.literal('ok'),
              database: z.enum(['pglite', 'postgres']),
              version: z.string(),
              readReplica: z
                .object({
                  state: z.enum(['replica', 'lagging', 'down']),
                  lagMs: z.number().nullable(),
                  checkedAt: z.string().nullable(),
                })
                .optional()
                .describe(
                  'With DATABASE_READ_URL: where lag-tolerant reads go (replica, or the primary while it is lagging or down), as of the last probe',
                ),
            }),
          },
        },
      },
      async (request, reply) => {
        const db = await check();
        reply.header('cache-control', 'no-store');
        if (db.database !== 'ok')
          return sendProblem(reply, { ...problemFor('platform.unavailable', request.lang), instance: '/health' });
        const replica = opts.database.replica?.status;
        return {
          status: 'ok' as const,
          database: opts.database.kind,
          version: opts.version,
          // A replica away is no failure: its reads go to the primary.
          ...(replica
            ? {
                readReplica: {
                  state: replica.state,
                  lagMs: replica.lagMs === null ? null : Math.round(replica.lagMs),
                  checkedAt: replica.checkedAt?.toISOString() ?? null,
                },
              }
            : {}),
        };
      },
    );
  };
}

declare module '../errors.ts' {
  interface ProblemCodes extends CodesOf<typeof probeProblems> {}
}
