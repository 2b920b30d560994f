import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import { z } from 'zod';
import { DomainError } from '../errors.ts';

/**
 * Web sessions in cookies a script cannot read.
 *
 * The web app signs in with `X-Musubi-Session: cookie`: the answer sets the session token as an
 * `HttpOnly; SameSite=Lax` cookie (Secure over HTTPS and on loopback) and carries, instead of the token, a
 * `csrfToken` bound to the session. Every later request sends the cookie by itself; a request that changes
 * something must also send `X-CSRF-Token`, which a page of another site can neither read nor set — and
 * SameSite=Lax keeps the cookie off another site's form posts in the first place. API clients and
 * integrations keep using `Authorization: Bearer`, which no browser sends on its own, so CSRF does not apply.
 *
 * A browser can hold a clerk's session and a shopper's at once (a clerk trying the shop on the till): each
 * has its own cookie, and a request uses the one its path is for — the same split as the web client's
 * `audienceOf` (web/src/shared/api/client.ts).
 */
export type Audience = 'staff' | 'customer';

export const SESSION_COOKIE: Record<Audience, string> = { staff: 'musubi_staff', customer: 'musubi_customer' };
export const COOKIE_MODE_HEADER = 'x-musubi-session';
export const CSRF_HEADER = 'x-csrf-token';
/** Which of the browser's two sessions a request means, where its path alone does not say (HQ reading an order). */
export const AUDIENCE_HEADER = 'x-musubi-audience';

/** The shopper's own paths; everything else is public or for staff (mirrors the web client's audienceOf). */
export function audienceOfPath(path: string): Audience {
  return /^\/api\/(account|customer-auth|events|carts)(\/|\?|$)/.test(path) || /^\/api\/orders\/[^/?]+(\?|$)/.test(path)
    ? 'customer'
    : 'staff';
}

/** The audience a request names (X-Musubi-Audience), or its path's. */
function audienceOf(request: FastifyRequest): Audience {
  const named = request.headers[AUDIENCE_HEADER];
  return named === 'staff' || named === 'customer' ? named : audienceOfPath(request.url);
}

/** The CSRF token of a session: an HMAC of its token, so it proves nothing without that session's cookie. */
export function csrfTokenFor(secret: string, token: string): string {
  return createHmac('sha256', secret).update(`csrf:${token}`).digest('base64url');
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function secureContext(request: FastifyRequest): boolean {
  return request.protocol === 'https' || LOOPBACK.has(request.hostname);
}

export async function registerCookieParsing(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCookie, { hook: 'onRequest' });
}

/**
 * The session token a request's cookie carries for its path, or undefined. Checks what a cookie-borne
 * session must prove before it is used for a change: the request comes from our own pages
 * (Sec-Fetch-Site, when the browser says) and carries the session's CSRF token.
 */
export function cookieToken(request: FastifyRequest, secret: string): string | undefined {
  const path = request.url;
  if (!path.startsWith('/api/')) return undefined;
  const token = request.cookies[SESSION_COOKIE[audienceOf(request)]];
  if (!token) return undefined;
  if (!SAFE.has(request.method)) {
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') throw new DomainError('platform.csrf');
    const given = request.headers[CSRF_HEADER];
    const want = Buffer.from(csrfTokenFor(secret, token));
    if (typeof given !== 'string' || given.length !== want.length || !timingSafeEqual(Buffer.from(given), want))
      throw new DomainError('platform.csrf');
  }
  return token;
}

/** A cookie whose session is over (expired, revoked, logged out elsewhere): forget it. */
export function dropSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE[audienceOf(request)], { path: '/api' });
}

export function wantsCookieSession(request: FastifyRequest): boolean {
  return request.headers[COOKIE_MODE_HEADER] === 'cookie';
}

/**
 * A sign-in route's answer in cookie mode: the token goes into the HttpOnly cookie and out of the body,
 * which carries the session's CSRF token instead. A clerk's cookie ends with the browser (a shared till);
 * a shopper's lasts as long as her session.
 */
export function moveTokenToCookie<T extends { token?: string | undefined; expiresAt: string }>(
  request: FastifyRequest,
  reply: FastifyReply,
  audience: Audience,
  answer: T,
  secret: string,
): Omit<T, 'token'> & { csrfToken: string } {
  const { token, ...rest } = answer;
  if (!token) throw new Error('a sign-in answer without a token');
  reply.setCookie(SESSION_COOKIE[audience], token, {
    path: '/api',
    httpOnly: true,
    sameSite: 'lax',
    secure: secureContext(request),
    ...(audience === 'customer' ? { expires: new Date(answer.expiresAt) } : {}),
  });
  return { ...rest, csrfToken: csrfTokenFor(secret, token) };
}

/** The credential fields of a sign-in answer: the token (bearer mode) or the CSRF token (cookie mode). */
export const sessionCredentials = {
  token: z
    .string()
    .optional()
    .describe('The bearer token. Absent when the request asked for a cookie session (X-Musubi-Session: cookie).'),
  csrfToken: z
    .string()
    .optional()
    .describe('Cookie sessions only: send it as X-CSRF-Token on every request that changes something.'),
};
