import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { answerSerializer, type AnswerPlanned } from './answers.ts';
import { anonymous, type Principal } from '../auth.ts';
import { DomainError } from '../errors.ts';
import { requireScope, scopeOf } from '../api-scopes.ts';
import { pickLang } from './lang.ts';
import { documentTransform, openapiDocument, routeTransform } from './openapi.ts';
import { errorHandler, problemFor, sendProblem } from './problem.ts';
import { registerIdempotency } from './idempotency.ts';
import { registerSecurityAndCompression, type ThirdPartyOrigins } from './security.ts';
import { registerWebApp } from './web-app.ts';
import {
  cookieToken,
  dropSessionCookie,
  moveTokenToCookie,
  registerCookieParsing,
  SESSION_COOKIE,
  wantsCookieSession,
  type Audience,
} from './session-cookies.ts';
import { unstorableText } from './unstorable-text.ts';
import type { Db } from '../db/connection.ts';

export type App = FastifyInstance;

export interface AppOptions {
  db: Db;
  logger: FastifyServerOptions['logger'];
  /** Turns a bearer token into a principal, or undefined when the token is unknown/revoked. */
  resolveToken: (token: string) => Promise<Principal | undefined>;
  /** Signs the CSRF tokens of cookie sessions (the same in every app copy: MUSUBI_SECRET). */
  sessionSecret: string;
  webDist?: string | undefined;
  version: string;
  /** Told of every answered request, with the route pattern (the metrics). */
  observeRequest?: (method: string, route: string, status: number, seconds: number) => void;
  /** Whose X-Forwarded-For to believe (TRUST_PROXY); off by default, so request.ip is the socket's peer. */
  trustProxy?: boolean | number | string[] | undefined;
  /** Origins the Content-Security-Policy also allows (Stripe.js when it is the card provider). */
  thirdPartyOrigins?: ThirdPartyOrigins | undefined;
  /** Fail an answer whose response schema would drop a field (tests), instead of sending it without. */
  strictAnswers?: boolean | undefined;
  /** The OpenAPI document's `webhooks` section: what the server POSTs to integrations (the composition root hands it in). */
  webhooks?: Record<string, unknown> | undefined;
}

export const defaultWebDist = fileURLToPath(new URL('../../../../web/dist', import.meta.url));

/** Fastify with our conventions: Zod schemas, problem+json errors, auth, language, idempotency, OpenAPI. */
export async function createHttpApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: 2 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
    // A hop count is proxy-addr's "the n nearest hops", written out (Fastify's types lack the number form).
    trustProxy: typeof opts.trustProxy === 'number' ? trustHops(opts.trustProxy) : (opts.trustProxy ?? false),
    // On close: idle keep-alive sockets are closed, requests in flight finish (see drainConnections), and a
    // request that still arrives on a kept-alive socket gets a 503 with Connection: close, which a load
    // balancer retries on another copy. The shutdown grace in server.ts bounds the wait.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Requests Node cannot even parse (e.g. raw UTF-8 in the URL) still get a problem document.
    // Requests the router refuses before any hook runs (a malformed percent-encoding, an overlong id).
    frameworkErrors: (err, request, reply) => {
      request.lang = pickLang(request.headers['accept-language']);
      const code = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'platform.uri_too_long' : 'platform.bad_request';
      reply.header('x-request-id', request.id);
      sendProblem(reply, { ...problemFor(code, request.lang), instance: request.url.split('?')[0] });
    },
    clientErrorHandler: (err, socket) => {
      if (!socket.writable) return socket.destroy(err);
      const body = JSON.stringify(problemFor('platform.bad_request', 'ja'));
      socket.end(
        `HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // Which routes' answers Zod still writes, and why (answers.ts), at debug level: a route slower than its
  // neighbours may be one of them. Only then is each schema judged at start rather than on its first answer.
  const planned: AnswerPlanned = (route, fallback) => {
    if (fallback) app.log.debug({ route, fallback }, 'answers written by Zod');
    else app.log.trace({ route }, 'answers written by a compiled serializer');
  };
  app.setSerializerCompiler(
    answerSerializer(opts.strictAnswers ?? false, ['debug', 'trace'].includes(app.log.level) ? planned : undefined),
  );
  app.decorateRequest('principal', null as never);
  app.decorateRequest('sessionToken', undefined);
  app.decorateRequest('lang', 'ja');
  app.decorateRequest('idempotency', undefined);
  app.decorateRequest('idempotencyReplay', false);
  app.setErrorHandler(errorHandler);
  drainConnections(app);
  // The API speaks JSON only: a text/plain body is 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');

  // JSON is UTF-8 (RFC 8259 §8.1): a body labelled with another charset (a Shift_JIS export from an old
  // system) would be read as UTF-8 and stored as mojibake, so it is refused before it is parsed.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const charset = foreignJsonCharset(request.headers['content-type']);
    if (charset) throw new DomainError('platform.unsupported_charset', { charset });
    return payload;
  });

  await registerSecurityAndCompression(app, opts.thirdPartyOrigins);
  await registerCookieParsing(app);
  const observe = opts.observeRequest;
  if (observe) {
    app.addHook('onResponse', async (request, reply) => {
      observe(
        request.method,
        routeLabel(request.routeOptions.url, reply.statusCode),
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
    });
  }

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    request.lang = pickLang(request.headers['accept-language']);
    request.principal = anonymous;
    const config = request.routeOptions.config;
    if (config?.ownAuth) return;
    let token = bearerToken(request.headers.authorization, request.url);
    // No bearer token: the web app's session cookie, for the path's audience (a sign-in route ignores it).
    const fromCookie = token === undefined && (!config?.issuesSession || !!config.keepsSession);
    if (fromCookie) token = cookieToken(request, opts.sessionSecret);
    if (token === undefined) return;
    const principal = token ? await opts.resolveToken(token) : undefined;
    if (!principal) {
      // A cookie whose session ended is forgotten, and the request goes on as anyone's would.
      if (fromCookie) return dropSessionCookie(request, reply);
      throw new DomainError('platform.unauthorized');
    }
    request.principal = principal;
    request.sessionToken = token;
    // An integration's API token reaches only the operations its scopes open (platform/api-scopes.ts); the
    // services then judge it as the staff member it acts for. An unrouted URL is left to answer 404.
    if (principal.kind === 'staff' && principal.apiToken && request.routeOptions.url)
      requireScope(principal, scopeOf(request.method, request.routeOptions.url));
    if (principal.kind === 'staff' && principal.totpEnrolmentRequired && !request.routeOptions.config?.totpEnrolment) {
      throw new DomainError('auth.totp_enrolment_required');
    }
  });

  // A sign-in in cookie mode: the token leaves in an HttpOnly cookie, the body carries the CSRF token.
  app.addHook('preSerialization', async (request, reply, payload) => {
    const audience = request.routeOptions.config?.issuesSession;
    if (!audience || !wantsCookieSession(request) || reply.statusCode >= 300) return payload;
    return moveTokenToCookie(
      request,
      reply,
      audience,
      payload as { token?: string; expiresAt: string },
      opts.sessionSecret,
    );
  });
  // Logging out ends the cookie with the session.
  app.addHook('onSend', async (request, reply, payload) => {
    const audience = request.routeOptions.config?.endsSession;
    if (audience && reply.statusCode < 300) reply.clearCookie(SESSION_COOKIE[audience], { path: '/api' });
    return payload;
  });

  // Writes need credentials: say 401 before judging the body, unless the route is public (login).
  app.addHook('preValidation', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.routeOptions.config?.public) return;
    if (request.principal.kind === 'anonymous' && request.routeOptions.url)
      throw new DomainError('platform.unauthorized');
    // A customer token writes only through the routes made for customers (their account, their events).
    if (request.principal.kind === 'customer' && request.routeOptions.url && !request.routeOptions.config?.customer) {
      throw new DomainError('platform.forbidden', {
        reason: 'この操作はスタッフ専用です。',
        reasonEn: 'Only staff can do this.',
      });
    }
  });

  // Text no column can hold (a NUL byte, an unpaired surrogate) is refused here, naming the field, before
  // a route's schema or the database sees it: PostgreSQL would answer it with an error, not a 4xx.
  app.addHook('preValidation', async (request) => {
    const fields = [
      ...unstorableText(request.params, 'params'),
      ...unstorableText(request.query, 'query'),
      ...unstorableText(request.body, ''),
    ];
    if (fields.length) throw new DomainError('platform.validation', {}, fields);
  });

  await app.register(fastifySwagger, {
    openapi: openapiDocument(opts.version, opts.webhooks),
    transform: routeTransform,
    transformObject: documentTransform,
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true },
    // Swagger UI applies inline styles; the web app needs none, so only the docs page is allowed them.
    transformStaticCSP: (csp) => csp.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerIdempotency(app, opts.db);

  await registerWebApp(app, opts.webDist ?? defaultWebDist);
  return app;
}

/** The charset a JSON content type declares when it is not UTF-8 (`application/json; charset=shift_jis`), else undefined. */
export function foreignJsonCharset(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const [type, ...params] = contentType.split(';');
  if (!/^\s*application\/([\w.-]+\+)?json\s*$/i.test(type ?? '')) return undefined;
  for (const param of params) {
    const m = /^\s*charset\s*=\s*"?([^";\s]*)"?\s*$/i.exec(param);
    if (m) return /^utf-?8$/i.test(m[1] ?? '') ? undefined : (m[1] ?? '').slice(0, 40);
  }
  return undefined;
}

function trustHops(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}

/**
 * While the app closes, every response still being answered says Connection: close, so its socket ends
 * with it: Node closes idle keep-alive sockets only once, when close() starts, and a socket that becomes
 * idle later would hold close() open until its keep-alive timeout.
 */
function drainConnections(app: FastifyInstance) {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
}

/**
 * The metrics label of a request: its route pattern, never the raw URL (ids would make a series per
 * order). The hashed web assets share one label; unrouted requests are the web app's index.html when
 * they succeeded (a page) and `unmatched` otherwise.
 */
export function routeLabel(url: string | undefined, status: number): string {
  if (url === undefined) return status < 400 ? 'web-app' : 'unmatched';
  return url.startsWith('/assets/') ? '/assets/*' : url;
}

/**
 * The bearer token of a request: the Authorization header, or `?token=` on the SSE stream (EventSource
 * cannot send headers). undefined = no credentials; '' = malformed credentials.
 */
function bearerToken(header: string | undefined, url: string): string | undefined {
  if (header) return /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? '';
  if (url.startsWith('/api/stream?'))
    return new URLSearchParams(url.slice(url.indexOf('?') + 1)).get('token') ?? undefined;
  return undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
    /** The session token the principal came from (bearer header, ?token= or cookie); undefined when anonymous. */
    sessionToken: string | undefined;
    lang: 'ja' | 'en';
    idempotency: { principal: string; key: string; owner: string; renewal: NodeJS.Timeout } | undefined;
    idempotencyReplay: boolean;
  }
  interface FastifyContextConfig {
    idempotent?: boolean;
    /** The route may refuse with 429 and Retry-After (throttled sign-ins, PINs, positions): documented as such. */
    throttled?: boolean;
    /** Anyone may call this write route (e.g. login). */
    public?: boolean;
    /** Customers (mct_ tokens) may call this write route; services still check it is their own data. */
    customer?: boolean;
    /** The route checks its own Authorization header (/metrics and its token), not a staff or customer token. */
    ownAuth?: boolean;
    /** A sign-in route answering `{ token, expiresAt, … }`: in cookie mode the token goes into this audience's cookie. */
    issuesSession?: Audience;
    /** A sign-in route that also needs the caller's current session (a till's 担当切替): its cookie is read. */
    keepsSession?: boolean;
    /** A logout route: its success also clears this audience's cookie. */
    endsSession?: Audience;
    /** Reachable by a staff session that must still enrol in two-factor sign-in (principal.totpEnrolmentRequired). */
    totpEnrolment?: boolean;
  }
}
