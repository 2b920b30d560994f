import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { DomainError } from '../errors.ts';
import { problemFor } from './problem.ts';

/**
 * Where /metrics is served (docs/operations.md):
 * - METRICS_TOKEN only: on the main port, for `Authorization: Bearer <token>`;
 * - METRICS_PORT (with or without a token): only on that port, by a listener that serves nothing else;
 * - neither: nowhere (the main port answers 404, like any unknown path).
 */
export interface MetricsExposure {
  token: string | undefined;
  port: number | undefined;
}

/** Does this Authorization header carry the token? Compared in constant time. */
export function hasToken(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (!given) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** GET /metrics on the main port, when a token and no separate port is configured. */
export function metricsRoute(registry: Registry, token: string) {
  return async (app: FastifyInstance) => {
    app.get('/metrics', { schema: { hide: true }, config: { ownAuth: true } }, async (request, reply) => {
      if (!hasToken(request.headers.authorization, token)) throw new DomainError('platform.unauthorized');
      reply.header('cache-control', 'no-store').type(registry.contentType);
      return registry.metrics();
    });
  };
}

export interface MetricsListener {
  url: string;
  close(): Promise<void>;
}

/** A plain HTTP listener on its own port that serves /metrics and nothing else (for a scraper on a private network). */
export async function startMetricsListener(
  registry: Registry,
  opts: { port: number; host: string; token: string | undefined },
): Promise<MetricsListener> {
  const problem = (res: ServerResponse, code: 'platform.not_found' | 'platform.unauthorized') => {
    const body = problemFor(code, 'en');
    res.writeHead(body.status, { 'content-type': 'application/problem+json; charset=utf-8' }).end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD'))
      return problem(res, 'platform.not_found');
    if (opts.token && !hasToken(req.headers.authorization, opts.token)) return problem(res, 'platform.unauthorized');
    const text = await registry.metrics();
    res
      .writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' })
      .end(req.method === 'HEAD' ? undefined : text);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
