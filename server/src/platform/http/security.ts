import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifyCompress from '@fastify/compress';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The Content-Security-Policy the web app passes: everything from this origin, nothing inline (React's
 * style props go through the CSSOM, which style-src does not govern), images also as data: (the favicon)
 * and blob: (exports), no frames, no plugins. The API docs page alone adds 'unsafe-inline' styles for
 * Swagger UI (app.ts). Chromium checks both in e2e/csp.test.ts.
 */
export const contentSecurityPolicy = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    connectSrc: ["'self'"],
    fontSrc: ["'self'", 'data:'],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    manifestSrc: ["'self'"],
    mediaSrc: ["'self'", 'blob:'],
    objectSrc: ["'none'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'"],
    workerSrc: ["'self'", 'blob:'],
    // No upgrade-insecure-requests: a shop may serve the app over plain HTTP on its own LAN, where
    // upgrading every asset to https would break the page. TLS is the load balancer's job.
  },
};

/**
 * Origins a configured partner's browser script needs besides our own — with CARD_PROVIDER=stripe, exactly
 * Stripe.js's origin (script and its frames: the card field, 3-D Secure) and Stripe's API (connect). None
 * otherwise: the policy stays 'self' only.
 */
export interface ThirdPartyOrigins {
  script?: string[];
  frame?: string[];
  connect?: string[];
}

function withOrigins(allow: ThirdPartyOrigins): typeof contentSecurityPolicy {
  const d = contentSecurityPolicy.directives;
  const uniq = (a: string[]) => [...new Set(a)];
  return {
    useDefaults: false,
    directives: {
      ...d,
      scriptSrc: uniq([...d.scriptSrc, ...(allow.script ?? [])]),
      connectSrc: uniq([...d.connectSrc, ...(allow.connect ?? [])]),
      ...(allow.frame?.length ? { frameSrc: uniq(allow.frame) } : {}),
    },
  };
}

/**
 * The security headers helmet sets for `options`, in the order it sets them. With no directive computed per
 * request (no nonces, no functions) they are the same for every answer, so they are worked out once:
 * @fastify/helmet built helmet's middleware anew on every request (~5 % of the product page's server time).
 */
export function securityHeaders(options: HelmetOptions): [string, string][] {
  const directives = Object.values(
    (typeof options.contentSecurityPolicy === 'object' && options.contentSecurityPolicy.directives) || {},
  );
  if (directives.some((d) => typeof d === 'function' || (Array.isArray(d) && d.some((x) => typeof x === 'function'))))
    throw new Error('a Content-Security-Policy directive computed per request cannot be set once for every answer');
  const headers = new Map<string, [string, string]>();
  const recorder = {
    setHeader: (name: string, value: string) => headers.set(name.toLowerCase(), [name, value]),
    // X-Powered-By: nothing of ours sets it, so there is nothing to remove.
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
  });
  return [...headers.values()];
}

/**
 * Security headers and response compression, registered before any route so they cover the API, the docs
 * and the web app. The headers go on the raw response, as helmet itself sets them, so an answer that
 * bypasses the reply (the SSE stream, /metrics) has them too, and a route's own header still wins. SSE is
 * never compressed: /api/stream hijacks its reply (no onSend), and the compressible types exclude
 * text/event-stream besides.
 */
export async function registerSecurityAndCompression(
  app: FastifyInstance,
  allow: ThirdPartyOrigins = {},
): Promise<void> {
  const headers = securityHeaders({
    contentSecurityPolicy: withOrigins(allow),
    // One year, this host only: includeSubDomains would bind every other host of the shop's domain to HTTPS.
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
    // The same as frame-ancestors 'none', for browsers that read only the older header.
    xFrameOptions: { action: 'deny' },
  });
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    done();
  });
  await app.register(fastifyCompress, {
    encodings: ['br', 'gzip'],
    // Responses only: no client of ours compresses request bodies, so no decompressor sits in front of the parser.
    globalDecompression: false,
    // The plugin's default compressible types (text/* but text/event-stream, *json, *xml) fit: JSON,
    // problem+json, HTML, JS, CSS and SVG are compressed above 1 KB.
  });
}
