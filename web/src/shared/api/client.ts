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
 * Two kinds of credentials can live in one browser: a clerk's (the store and HQ screens) and a shopper's
 * (her account). Each request carries the one its route is for, so a clerk testing the shop on the till
 * never sends a staff token to /api/account, and a shopper's token never reaches a staff route.
 */
export type Audience = 'staff' | 'customer';

const credentials: Record<Audience, { token: () => string | null; unauthorized: () => void }> = {
  staff: { token: () => null, unauthorized: () => {} },
  customer: { token: () => null, unauthorized: () => {} },
};

/** Where an audience's bearer token comes from and what to do when the server stops accepting it. */
export function useTokenFrom(source: () => string | null, unauthorized: () => void, audience: Audience = 'staff') {
  credentials[audience] = { token: source, unauthorized };
}

/**
 * The shopper's own routes; everything else is public or for staff. Her cart (/api/carts…) and reading
 * one order (GET /api/orders/:id, which staff never need: the store queue carries whole orders) are hers
 * too; moving an order's fulfilment (/api/orders/:id/fulfilments/…) stays with staff.
 */
export function audienceOf(pathname: string): Audience {
  return /^\/api\/(account|customer-auth|events|carts)(\/|$)/.test(pathname) || /^\/api\/orders\/[^/]+$/.test(pathname)
    ? 'customer'
    : 'staff';
}

/**
 * Sign-up, login and password reset are public: an old token sent along would only earn a 401 (the server
 * rejects unknown tokens before it looks at the route), so they go without one.
 */
const isSignIn = (pathname: string) =>
  pathname.startsWith('/api/customer-auth/') && pathname !== '/api/customer-auth/logout';
const isLogin = (pathname: string) => pathname === '/api/auth/login' || isSignIn(pathname);

const conventions: Middleware = {
  onRequest({ request }) {
    // The server answers problem+json in the same language as the screen.
    request.headers.set('Accept-Language', currentLang());
    const { pathname } = new URL(request.url);
    const token = isSignIn(pathname) ? null : credentials[audienceOf(pathname)].token();
    if (token && !request.headers.has('Authorization')) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ request, response }) {
    // A revoked or expired token (not a failed login, which has its own code) ends that session.
    const { pathname } = new URL(request.url);
    if (response.status === 401 && request.headers.has('Authorization') && !isLogin(pathname))
      credentials[audienceOf(pathname)].unauthorized();
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
