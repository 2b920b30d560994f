import type { FastifyInstance } from 'fastify';
import fastifyCompress from '@fastify/compress';
import fastifyHelmet from '@fastify/helmet';

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
 * Security headers (helmet) and response compression, registered before any route so they cover the
 * API, the docs and the web app. SSE is never compressed: /api/stream hijacks its reply (no onSend), and
 * the compressible types exclude text/event-stream besides.
 */
export async function registerSecurityAndCompression(
  app: FastifyInstance,
  allow: ThirdPartyOrigins = {},
): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: withOrigins(allow),
    // One year, this host only: includeSubDomains would bind every other host of the shop's domain to HTTPS.
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
    // The same as frame-ancestors 'none', for browsers that read only the older header.
    xFrameOptions: { action: 'deny' },
  });
  await app.register(fastifyCompress, {
    encodings: ['br', 'gzip'],
    // Responses only: no client of ours compresses request bodies, so no decompressor sits in front of the parser.
    globalDecompression: false,
    // The plugin's default compressible types (text/* but text/event-stream, *json, *xml) fit: JSON,
    // problem+json, HTML, JS, CSS and SVG are compressed above 1 KB.
  });
}
