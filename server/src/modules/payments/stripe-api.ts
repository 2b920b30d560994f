/**
 * Stripe's REST API over fetch: form-encoded bodies, the secret key as Bearer, an Idempotency-Key on every
 * POST, a time limit per call, and one retry — with the same key — when the network or Stripe failed
 * (a retried POST is answered from Stripe's idempotency store, never run twice). Plain fetch rather than the
 * `stripe` package: five endpoints, no new dependency, and the base URL is ours to point at a local double.
 */

export interface StripeApiOptions {
  secretKey: string;
  /** https://api.stripe.com, or a local double on 127.0.0.1 in tests. */
  apiBase: string;
  /** One call's time limit (connect, send, answer). */
  timeoutMs: number;
}

/** Stripe's error object (`{ error: { type, code, decline_code, message } }`) as a thrown error. */
export class StripeError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string | undefined,
    readonly declineCode: string | undefined,
    message: string,
  ) {
    super(`stripe ${status} ${type}${code ? `/${code}` : ''}: ${message}`);
  }
}

type Form = Record<string, unknown>;

/** `{ metadata: { key: 'v' }, expand: ['a'] }` → `metadata[key]=v&expand[0]=a`, Stripe's form encoding. */
export function formEncode(body: Form): string {
  const out = new URLSearchParams();
  const add = (prefix: string, v: unknown) => {
    if (v === undefined || v === null) return;
    if (Array.isArray(v)) v.forEach((x, i) => add(`${prefix}[${i}]`, x));
    else if (typeof v === 'object') for (const [k, x] of Object.entries(v)) add(`${prefix}[${k}]`, x);
    else out.append(prefix, String(v));
  };
  for (const [k, v] of Object.entries(body)) add(k, v);
  return out.toString();
}

export interface StripeApi {
  get<T>(path: string, query?: Form): Promise<T>;
  post<T>(path: string, body: Form, idempotencyKey: string): Promise<T>;
}

export function stripeApi(opts: StripeApiOptions): StripeApi {
  const base = opts.apiBase.replace(/\/$/, '');
  async function once<T>(method: 'GET' | 'POST', path: string, body: string, key?: string): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${opts.secretKey}` };
    if (method === 'POST') {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['idempotency-key'] = key!;
    }
    const url = method === 'GET' && body ? `${base}${path}?${body}` : `${base}${path}`;
    const res = await fetch(url, {
      method,
      headers,
      body: method === 'POST' ? body : undefined,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const json = (await res.json().catch(() => ({}))) as { error?: Record<string, string> };
    if (res.ok) return json as T;
    const e = json.error ?? {};
    throw new StripeError(res.status, e.type ?? 'api_error', e.code, e.decline_code, e.message ?? res.statusText);
  }
  /** Network failures, 429, 409 (the same key still running) and 5xx are tried once more, with the same key. */
  async function call<T>(method: 'GET' | 'POST', path: string, body: string, key?: string): Promise<T> {
    try {
      return await once<T>(method, path, body, key);
    } catch (err) {
      const retryable = !(err instanceof StripeError) || err.status === 429 || err.status === 409 || err.status >= 500;
      if (!retryable) throw err;
      await new Promise((r) => setTimeout(r, 200));
      return once<T>(method, path, body, key);
    }
  }
  return {
    get: (path, query = {}) => call('GET', path, formEncode(query)),
    post: (path, body, key) => call('POST', path, formEncode(body), key),
  };
}
