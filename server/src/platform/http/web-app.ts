import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { problemFor, sendProblem } from './problem.ts';

/**
 * The first path segments the web app routes itself (web/src/App.tsx: the shop at / and /shop, マイページ
 * at /account, a store's 来店予約 at /stores/:id/appointments, the store app at /store, HQ at /hq). Keep in
 * step with App.tsx.
 */
export const webAppPrefixes = ['shop', 'account', 'stores', 'store', 'hq'] as const;

/**
 * Is this a page of the web app, to be answered with index.html? Only `/` and paths under the app's own
 * prefixes, and never one that looks like a file (`.php`, `.env`, a missing `/assets/x.js`): scanners
 * and a stale script tag get a 404, not a 200 of HTML.
 */
export function isWebAppPage(path: string): boolean {
  if (path === '/') return true;
  const segments = path.split('/').slice(1);
  if (!(webAppPrefixes as readonly string[]).includes(segments[0] ?? '')) return false;
  // The app's own paths are words and prefixed ids (var_…, ord_…): a dot anywhere means a file or a probe.
  return !segments.some((s) => s.includes('.'));
}

const REVALIDATED = new Set([
  'index.html',
  'sw.js',
  'manifest.webmanifest',
  'store.webmanifest',
  'hq.webmanifest',
  'manifest-link.js',
]);

/**
 * Serve the built web app (web/dist) when there is one: hashed files under /assets/ are cached for a
 * year (a new build has new names); index.html, the service worker and the manifest are revalidated every time
 * (so a deploy shows at once: the worker then announces the new version).
 * Every other unknown path is a 404 problem.
 */
export async function registerWebApp(app: FastifyInstance, webDist: string): Promise<void> {
  const hasWeb = existsSync(`${webDist}/index.html`);
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: webDist,
      wildcard: false,
      index: ['index.html'],
      setHeaders: (reply, path) => {
        if (path.startsWith(`${webDist}/assets/`)) reply.header('cache-control', 'public, max-age=31536000, immutable');
        // index.html, the service worker (web/src/sw.ts), the manifests and the script choosing one: revalidated,
        // so a deploy shows at once.
        else if (REVALIDATED.has(basename(path))) reply.header('cache-control', 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (hasWeb && (request.method === 'GET' || request.method === 'HEAD') && isWebAppPage(path)) {
      return reply.type('text/html; charset=utf-8').sendFile('index.html');
    }
    return sendProblem(reply, { ...problemFor('platform.not_found', request.lang, { path }), instance: path });
  });
}
