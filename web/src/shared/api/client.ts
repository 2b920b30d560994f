import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { currentLang } from '../i18n/lang';

/** RFC 9457 problem details as the server sends them (application/problem+json). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: { field: string; message: string }[];
  [extra: string]: unknown;
}

/** Thrown by `call()` for any non-2xx answer, or when the server could not be reached (status 0). */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.title);
  }
}

/**
 * Two sessions can live in one browser: a clerk's (the store and HQ screens) and a shopper's (her
 * account). Each is an HttpOnly cookie the server set at sign-in (no script here can read it); the server
 * uses the one a request's path is for, so a clerk testing the shop on the till never acts as a shopper on
 * a staff route. What the page keeps is each session's CSRF token, sent with every change.
 */
export type Audience = 'staff' | 'customer';

const sessions: Record<Audience, { csrf: () => string | null; unauthorized: () => void }> = {
  staff: { csrf: () => null, unauthorized: () => {} },
  customer: { csrf: () => null, unauthorized: () => {} },
};

/** Where an audience's CSRF token comes from and what to do when the server no longer knows its session. */
export function useSessionFrom(csrf: () => string | null, unauthorized: () => void, audience: Audience = 'staff') {
  sessions[audience] = { csrf, unauthorized };
}

/**
 * The shopper's own routes; everything else is public or for staff. Her cart (/api/carts…) and reading
 * one order (GET /api/orders/:id) are hers too; moving an order's fulfilment (/api/orders/:id/fulfilments/…)
 * stays with staff. The server splits paths the same way (platform/http/session-cookies.ts); a screen that
 * means the other session on a shared path says so with the X-Musubi-Audience header.
 */
export function audienceOf(pathname: string, named?: string | null): Audience {
  if (named === 'staff' || named === 'customer') return named;
  return /^\/api\/(account|customer-auth|events|carts)(\/|$)/.test(pathname) || /^\/api\/orders\/[^/]+$/.test(pathname)
    ? 'customer'
    : 'staff';
}

/** Sign-up, login and password reset start a session: the server ignores an old cookie there. */
const isSignIn = (pathname: string) =>
  pathname.startsWith('/api/customer-auth/') && pathname !== '/api/customer-auth/logout';
const isLogin = (pathname: string) => pathname === '/api/auth/login' || isSignIn(pathname);
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

const conventions: Middleware = {
  onRequest({ request }) {
    // The server answers problem+json in the same language as the screen.
    request.headers.set('Accept-Language', currentLang());
    // A sign-in answers with an HttpOnly cookie, not a token this page could leak.
    request.headers.set('X-Musubi-Session', 'cookie');
    const { pathname } = new URL(request.url);
    const csrf = sessions[audienceOf(pathname, request.headers.get('X-Musubi-Audience'))].csrf();
    if (csrf && !SAFE.has(request.method) && !isSignIn(pathname)) request.headers.set('X-CSRF-Token', csrf);
    return request;
  },
  async onResponse({ request, response }) {
    // The session ended on the server (expired, logged out elsewhere, revoked), or the browser's cookie now
    // belongs to someone who signed in on another tab (its CSRF token is not this page's): this page's
    // session is over. A failed login has its own code and is not this.
    const { pathname } = new URL(request.url);
    const session = sessions[audienceOf(pathname, request.headers.get('X-Musubi-Audience'))];
    if (isLogin(pathname) || !session.csrf()) return response;
    if (response.status === 401) session.unauthorized();
    else if (response.status === 403) {
      const problem = (await response
        .clone()
        .json()
        .catch(() => null)) as Problem | null;
      if (problem?.code === 'platform.csrf') session.unauthorized();
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? '' });
api.use(conventions);

/** The server's errors are problem+json (platform/http/problem.ts); anything else (a proxy's HTML page) is not. */
function isProblem(error: unknown): error is Problem {
  return !!error && typeof error === 'object' && 'title' in error;
}

function asProblem(error: unknown, status: number): Problem {
  if (isProblem(error)) return error;
  return {
    type: 'about:blank',
    title: `HTTP ${status}`,
    status,
    detail: typeof error === 'string' ? error : '',
    code: 'http',
  };
}

/**
 * Await an openapi-fetch call and return its data, or throw ApiError with the problem. TanStack Query
 * hooks use this so `error.problem` is always there to show.
 */
export async function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: Awaited<typeof request>;
  try {
    result = await request;
  } catch (err) {
    throw new ApiError({
      type: 'about:blank',
      title: '',
      status: 0,
      detail: err instanceof Error ? err.message : String(err),
      code: 'network',
    });
  }
  if (!result.response.ok) throw new ApiError(asProblem(result.error, result.response.status));
  // A 2xx answer carries the data; openapi-fetch types it optional only because the error branch has none.
  return result.data as T;
}

/**
 * An Idempotency-Key for one submitted form: the same key on a retry after a lost connection, a new one
 * once the server has answered. crypto.randomUUID only exists on https/localhost, so fall back for a
 * store tablet that opens the server by its LAN address over plain http.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
