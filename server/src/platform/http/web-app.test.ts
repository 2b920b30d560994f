import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { buildServer, type Server } from '../../server.ts';
import { BOOTSTRAP, databaseTargets } from '../../test/harness.ts';
import { isWebAppPage } from './web-app.ts';
import { createHttpApp } from './app.ts';

/** A built web app in miniature: index.html and one hashed script bigger than the compression threshold. */
function fakeWebDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html lang="ja"><head><script type="module" src="/assets/index-AbC123.js"></script></head><body><div id="root"></div></body></html>',
  );
  writeFileSync(
    join(dir, 'assets', 'index-AbC123.js'),
    `export const shelf = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `商品${i}`))};\n`,
  );
  return dir;
}

describe('which paths are pages of the web app', () => {
  it('takes / and the app’s own routes, and nothing that looks like a file or belongs elsewhere', () => {
    for (const page of [
      '/',
      '/shop',
      '/shop/products/var_01J',
      '/shop/cart',
      '/account',
      '/account/orders/ord_1',
      '/store',
      '/store/login',
      '/store/loc_1/till',
      '/hq',
      '/hq/customers/cus_1',
    ]) {
      expect(isWebAppPage(page), page).toBe(true);
    }
    for (const other of [
      '/api/products',
      '/metrics',
      '/readyz',
      '/.env',
      '/foo.php',
      '/shop/x.php',
      '/hq/.git/config',
      '/wp-login.php',
      '/assets/gone-123.js',
      '/favicon.ico',
      '/shopping',
      '/admin',
    ]) {
      expect(isWebAppPage(other), other).toBe(false);
    }
  });
});

describe(`the web app, headers and compression [${databaseTargets[0]!.name}]`, () => {
  let server: Server;
  let dispose: () => Promise<void>;
  let webDist: string;

  beforeAll(async () => {
    webDist = fakeWebDist();
    const opened = await databaseTargets[0]!.open();
    dispose = opened.dispose;
    const { METRICS_TOKEN: _t, METRICS_PORT: _p, ...env } = process.env;
    const config = loadConfig({
      ...env,
      MUSUBI_BOOTSTRAP_TOKEN: BOOTSTRAP,
      LOG_LEVEL: 'silent',
      DATA_DIR: 'memory',
      MUSUBI_SECRET: 'test-secret-0123456789abcdef',
      WEB_DIST: webDist,
    });
    server = await buildServer(config, { database: opened.database, logger: false, jobs: false });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await dispose?.();
    rmSync(webDist, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) => server.app.inject({ method: 'GET', url, headers });

  it('answers the app’s pages with index.html, revalidated on every load', async () => {
    for (const page of ['/', '/shop/products/var_01J', '/store/login', '/hq/customers', '/account']) {
      const res = await get(page);
      expect(res.statusCode, page).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['cache-control'], page).toBe('no-cache');
    }
  });

  it('answers everything else that is not a real file with a 404 problem, not the app’s HTML', async () => {
    for (const path of [
      '/.env',
      '/foo.php',
      '/shop/x.php',
      '/wp-admin/setup-config.php',
      '/api/nothing',
      '/metrics',
      '/assets/index-Gone99.js',
      '/admin',
    ]) {
      const res = await get(path);
      expect(res.statusCode, path).toBe(404);
      expect(res.headers['content-type'], path).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'platform.not_found', instance: path });
    }
  });

  it('caches hashed assets for a year', async () => {
    const res = await get('/assets/index-AbC123.js');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('sends security headers with a Content-Security-Policy on pages and API answers alike', async () => {
    for (const path of ['/', '/api/locations', '/nothing.php']) {
      const res = await get(path);
      const csp = String(res.headers['content-security-policy']);
      expect(csp, path).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(csp).not.toContain('unsafe-inline');
    }
    // Swagger UI, and it alone, may apply inline styles.
    expect((await get('/api/docs/')).headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
  });

  it('compresses scripts and JSON with brotli or gzip as the browser asks', async () => {
    const plain = await get('/assets/index-AbC123.js');
    const br = await get('/assets/index-AbC123.js', { 'accept-encoding': 'br, gzip' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['vary']).toContain('accept-encoding');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);

    const gzip = await get('/api/openapi.json', { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gzip.rawPayload).toString()).openapi).toBe('3.1.0');

    const none = await get('/api/openapi.json');
    expect(none.headers['content-encoding']).toBeUndefined();
  });

  it('stores an idempotent answer uncompressed, and replays it compressed or not as each retry asks', async () => {
    // A route of our own on a fresh app: the real ones answer under the 1 KB threshold.
    const app = await createHttpApp({
      db: server.database.db,
      logger: false,
      version: 'test',
      sessionSecret: 'test-secret',
      resolveToken: async () => ({
        kind: 'staff',
        staffId: 'stf_compress',
        name: 'テスト',
        role: 'owner',
        locationIds: [],
      }),
    });
    let runs = 0;
    app.post('/api/big-answer', { config: { idempotent: true } }, async () => ({
      run: ++runs,
      lines: Array.from({ length: 200 }, (_, i) => ({ sku: `SKU-${i}`, name: `商品 ${i}` })),
    }));
    try {
      const send = (encoding?: string) =>
        app.inject({
          method: 'POST',
          url: '/api/big-answer',
          headers: {
            authorization: 'Bearer any',
            'content-type': 'application/json',
            'idempotency-key': 'big-answer-1',
            ...(encoding ? { 'accept-encoding': encoding } : {}),
          },
          payload: '{}',
        });
      const first = await send('br, gzip');
      expect(first.headers['content-encoding']).toBe('br');
      const body = brotliDecompressSync(first.rawPayload).toString();
      const plain = await send();
      expect(plain.headers['idempotent-replayed']).toBe('true');
      expect(plain.body).toBe(body);
      const gzip = await send('gzip');
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gzip.rawPayload).toString()).toBe(body);
      expect(runs).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('never compresses the live event stream, so events leave at once', async () => {
    const app = server.app;
    if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const { headers, first } = await new Promise<{ headers: Record<string, unknown>; first: string }>(
      (resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: '/api/stream',
            headers: { 'accept-encoding': 'br, gzip', accept: 'text/event-stream' },
          },
          (res) => {
            res.once('data', (chunk: Buffer) => {
              resolve({ headers: res.headers, first: chunk.toString('utf8') });
              req.destroy();
            });
          },
        );
        req.on('error', reject);
        req.end();
      },
    );
    expect(headers['content-type']).toContain('text/event-stream');
    expect(headers['content-encoding']).toBeUndefined();
    expect(first).toContain(': connected');
  });
});
