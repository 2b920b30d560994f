import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { stripeSignature } from '../modules/payments/stripe-signature.ts';
import { STRIPE_JS_DOUBLE } from './stripe-js-double.ts';

/**
 * A local double of Stripe on 127.0.0.1, for tests: the PaymentIntents, search and refunds endpoints the
 * adapter uses, with Stripe's shapes — form-encoded bodies, idempotency-key replays (a different body
 * under the same key is an `idempotency_error`), error objects with `type`, `code`, `decline_code` —
 * Stripe's test cards, signed webhooks to our server, and a double of Stripe.js at /v3/ that confirms
 * against it, so a browser pays without a byte leaving loopback.
 */

/** Stripe's test cards the double knows; any other Luhn-valid number is approved. */
export const STRIPE_TEST_CARDS = {
  visa: '4242424242424242',
  jcb: '3566002020360505',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  threeDSecure: '4000002760003184',
} as const;

interface Intent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  currency: string;
  capture_method: string;
  status: string;
  client_secret: string;
  metadata: Record<string, string>;
  last_payment_error: Record<string, string> | null;
  next_action: { type: string } | null;
  latest_charge: string | null;
  created: number;
}

interface Charge {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  refunded: boolean;
  payment_intent: string;
  payment_method_details: { type: 'card'; card: { brand: string; last4: string } };
}

export interface StripeDouble {
  /** http://127.0.0.1:<port>: STRIPE_API_BASE; Stripe.js is at `${url}/v3/`. */
  url: string;
  secretKey: string;
  publishableKey: string;
  webhookSecret: string;
  /** What `stripeCardProvider` needs to talk to this double (its time limit aside). */
  providerOptions(): { secretKey: string; publishableKey: string; apiBase: string; jsUrl: string };
  /** The server's environment for CARD_PROVIDER=stripe against this double. */
  env(): Record<string, string>;
  intents: Map<string, Intent>;
  charges: Map<string, Charge>;
  /** Every request: method, path and the Idempotency-Key it carried. */
  requests: Array<{ method: string; path: string; idempotencyKey: string | undefined }>;
  /** Where state changes are sent as signed events (our /api/payments/stripe/webhook), once set. */
  webhookUrl: string | undefined;
  /** The next n POST answers are lost after the work is done (the connection is cut): a retry must be replayed. */
  dropAnswers: number;
  /** While set, every API call answers 503 (Stripe having a bad day). */
  unavailable: boolean;
  /** Send a signed event now (also used to send tampered or stale ones); answers our server's status. */
  sendEvent(type: string, object: object, opts?: { secret?: string; at?: number; tamper?: boolean }): Promise<number>;
  /** Every webhook sent so far has been answered. */
  webhooksDone(): Promise<void>;
  close(): Promise<void>;
}

const luhnOk = (n: string) => {
  let sum = 0;
  for (let i = 0; i < n.length; i++) {
    let d = Number(n[n.length - 1 - i]);
    if (i % 2) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return n.length >= 12 && sum % 10 === 0;
};
const brandOf = (n: string) =>
  /^35(2[89]|[3-8])/.test(n) ? 'jcb' : n.startsWith('4') ? 'visa' : /^5[1-5]/.test(n) ? 'mastercard' : 'unknown';
const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, string>,
  ) {
    super(body.message);
  }
}
const unexpectedState = (pi: Intent, what: string) =>
  new ApiError(400, {
    type: 'invalid_request_error',
    code: 'payment_intent_unexpected_state',
    message: `You cannot ${what} this PaymentIntent because it has a status of ${pi.status}.`,
  });

export async function stripeDouble(): Promise<StripeDouble> {
  const secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
  const publishableKey = `pk_test_${randomBytes(12).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const intents = new Map<string, Intent>();
  const charges = new Map<string, Charge>();
  const idempotent = new Map<string, { fingerprint: string; status: number; body: string }>();
  const sending = new Set<Promise<unknown>>();
  const sockets = new Set<Socket>();

  const double: StripeDouble = {
    url: '',
    secretKey,
    publishableKey,
    webhookSecret,
    providerOptions: () => ({ secretKey, publishableKey, apiBase: double.url, jsUrl: `${double.url}/v3/` }),
    env: () => ({
      CARD_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: secretKey,
      STRIPE_PUBLISHABLE_KEY: publishableKey,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_API_BASE: double.url,
      STRIPE_JS_URL: `${double.url}/v3/`,
    }),
    intents,
    charges,
    requests: [],
    webhookUrl: undefined,
    dropAnswers: 0,
    unavailable: false,
    async sendEvent(type, object, opts = {}) {
      if (!double.webhookUrl) return 0;
      const event = {
        id: id('evt'),
        object: 'event',
        type,
        created: Math.floor(Date.now() / 1000),
        data: { object },
        livemode: false,
      };
      const payload = JSON.stringify(event);
      const signature = stripeSignature(payload, opts.secret ?? webhookSecret, opts.at);
      const body = opts.tamper ? payload.replace(/"amount":(\d+)/, (_m, a) => `"amount":${Number(a) + 1}`) : payload;
      const res = await fetch(double.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body,
      });
      await res.body?.cancel();
      return res.status;
    },
    async webhooksDone() {
      while (sending.size) await Promise.allSettled([...sending]);
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  /** State changes reach our server as Stripe's events would, signed, after the answer. */
  function emit(type: string, object: object) {
    if (!double.webhookUrl) return;
    const p = double
      .sendEvent(type, object)
      .catch(() => {})
      .finally(() => sending.delete(p));
    sending.add(p);
  }

  const intentView = (pi: Intent, expand: string[]) =>
    expand.includes('latest_charge') && pi.latest_charge ? { ...pi, latest_charge: charges.get(pi.latest_charge) } : pi;

  function intentFor(piId: string): Intent {
    const pi = intents.get(piId);
    if (!pi)
      throw new ApiError(404, {
        type: 'invalid_request_error',
        code: 'resource_missing',
        message: `No such payment_intent: '${piId}'`,
      });
    return pi;
  }

  /** The browser's calls carry the publishable key and the intent's client secret, never the secret key. */
  function browserIntent(piId: string, f: URLSearchParams): Intent {
    const pi = intentFor(piId);
    if (f.get('key') !== publishableKey || f.get('client_secret') !== pi.client_secret)
      throw new ApiError(401, { type: 'invalid_request_error', message: 'Invalid API Key or client secret.' });
    return pi;
  }

  function authorise(pi: Intent, number: string) {
    const charge: Charge = {
      id: id('ch'),
      object: 'charge',
      amount: pi.amount,
      amount_captured: 0,
      amount_refunded: 0,
      refunded: false,
      payment_intent: pi.id,
      payment_method_details: { type: 'card', card: { brand: brandOf(number), last4: number.slice(-4) } },
    };
    charges.set(charge.id, charge);
    Object.assign(pi, {
      status: 'requires_capture',
      amount_capturable: pi.amount,
      latest_charge: charge.id,
      last_payment_error: null,
      next_action: null,
    });
    emit('payment_intent.amount_capturable_updated', pi);
  }

  function confirm(pi: Intent, f: URLSearchParams): Intent {
    if (!['requires_payment_method', 'requires_confirmation'].includes(pi.status))
      throw new ApiError(400, { ...unexpectedState(pi, 'confirm').body, payment_intent: pi } as never);
    const number = (f.get('payment_method_data[card][number]') ?? '').replace(/\D/g, '');
    const decline = (code: string, declineCode: string | undefined, message: string) => {
      const error = { type: 'card_error', code, ...(declineCode ? { decline_code: declineCode } : {}), message };
      Object.assign(pi, { status: 'requires_payment_method', last_payment_error: error });
      emit('payment_intent.payment_failed', pi);
      return new ApiError(402, { ...error, payment_intent: pi.id } as Record<string, string>);
    };
    if (!luhnOk(number)) throw decline('incorrect_number', undefined, 'Your card number is incorrect.');
    if (number === STRIPE_TEST_CARDS.declined)
      throw decline('card_declined', 'generic_decline', 'Your card was declined.');
    if (number === STRIPE_TEST_CARDS.insufficientFunds)
      throw decline('card_declined', 'insufficient_funds', 'Your card has insufficient funds.');
    if (number === STRIPE_TEST_CARDS.threeDSecure) {
      Object.assign(pi, { status: 'requires_action', next_action: { type: 'use_stripe_sdk' }, pending: number });
      return pi;
    }
    authorise(pi, number);
    return pi;
  }

  function route(method: string, path: string, f: URLSearchParams): [number, object] {
    let m: RegExpMatchArray | null;
    if (method === 'POST' && path === '/v1/payment_intents') {
      const amount = Number(f.get('amount'));
      if (!Number.isInteger(amount) || amount < 50)
        throw new ApiError(400, {
          type: 'invalid_request_error',
          code: 'amount_too_small',
          param: 'amount',
          message: 'Amount must be at least ¥50 jpy',
        });
      const piId = id('pi');
      const metadata: Record<string, string> = {};
      for (const [k, v] of f) {
        const mk = /^metadata\[(.+)\]$/.exec(k);
        if (mk) metadata[mk[1]!] = v;
      }
      const pi: Intent = {
        id: piId,
        object: 'payment_intent',
        amount,
        amount_capturable: 0,
        amount_received: 0,
        currency: f.get('currency') ?? 'jpy',
        capture_method: f.get('capture_method') ?? 'automatic',
        status: 'requires_payment_method',
        client_secret: `${piId}_secret_${randomBytes(12).toString('hex')}`,
        metadata,
        last_payment_error: null,
        next_action: null,
        latest_charge: null,
        created: Math.floor(Date.now() / 1000),
      };
      intents.set(piId, pi);
      return [200, pi];
    }
    if (method === 'GET' && path === '/v1/payment_intents/search') {
      const q = /^metadata\['([^']+)'\]:'((?:[^'\\]|\\.)*)'$/.exec(f.get('query') ?? '');
      if (!q) throw new ApiError(400, { type: 'invalid_request_error', message: 'Unsupported search query.' });
      const value = q[2]!.replace(/\\'/g, "'");
      const data = [...intents.values()].filter((pi) => pi.metadata[q[1]!] === value);
      return [200, { object: 'search_result', data, has_more: false }];
    }
    if ((m = /^\/v1\/payment_intents\/([^/]+)$/.exec(path)) && method === 'GET') {
      const expand = [...f.entries()].filter(([k]) => k.startsWith('expand')).map(([, v]) => v);
      return [200, intentView(intentFor(m[1]!), expand)];
    }
    if ((m = /^\/v1\/payment_intents\/([^/]+)\/confirm$/.exec(path)) && method === 'POST')
      return [200, confirm(browserIntent(m[1]!, f), f)];
    // Not Stripe's API: what the Stripe.js double calls when the shopper passes the 3-D Secure challenge.
    if ((m = /^\/v1\/payment_intents\/([^/]+)\/authenticate$/.exec(path)) && method === 'POST') {
      const pi = browserIntent(m[1]!, f) as Intent & { pending?: string };
      if (pi.status !== 'requires_action') throw unexpectedState(pi, 'authenticate');
      authorise(pi, pi.pending!);
      return [200, pi];
    }
    if ((m = /^\/v1\/payment_intents\/([^/]+)\/capture$/.exec(path)) && method === 'POST') {
      const pi = intentFor(m[1]!);
      if (pi.status !== 'requires_capture') throw unexpectedState(pi, 'capture');
      const amount = f.has('amount_to_capture') ? Number(f.get('amount_to_capture')) : pi.amount_capturable;
      if (!(amount > 0 && amount <= pi.amount_capturable))
        throw new ApiError(400, {
          type: 'invalid_request_error',
          code: 'amount_too_large',
          param: 'amount_to_capture',
          message: 'The amount to capture is larger than the amount capturable.',
        });
      // A partial capture releases the rest, as at Stripe.
      Object.assign(pi, { status: 'succeeded', amount_received: amount, amount_capturable: 0 });
      charges.get(pi.latest_charge!)!.amount_captured = amount;
      emit('payment_intent.succeeded', pi);
      return [200, pi];
    }
    if ((m = /^\/v1\/payment_intents\/([^/]+)\/cancel$/.exec(path)) && method === 'POST') {
      const pi = intentFor(m[1]!);
      if (pi.status === 'succeeded' || pi.status === 'canceled') throw unexpectedState(pi, 'cancel');
      Object.assign(pi, { status: 'canceled', amount_capturable: 0 });
      emit('payment_intent.canceled', pi);
      return [200, pi];
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const pi = intentFor(f.get('payment_intent') ?? '');
      const charge = pi.latest_charge ? charges.get(pi.latest_charge) : undefined;
      if (pi.status !== 'succeeded' || !charge)
        throw new ApiError(400, {
          type: 'invalid_request_error',
          code: 'charge_not_captured',
          message: 'This PaymentIntent has no captured charge to refund.',
        });
      const amount = f.has('amount') ? Number(f.get('amount')) : charge.amount_captured - charge.amount_refunded;
      if (charge.amount_refunded >= charge.amount_captured)
        throw new ApiError(400, {
          type: 'invalid_request_error',
          code: 'charge_already_refunded',
          message: `Charge ${charge.id} has already been refunded.`,
        });
      if (!(amount > 0 && charge.amount_refunded + amount <= charge.amount_captured))
        throw new ApiError(400, {
          type: 'invalid_request_error',
          code: 'amount_too_large',
          param: 'amount',
          message: 'Refund amount is greater than unrefunded amount on charge.',
        });
      charge.amount_refunded += amount;
      charge.refunded = charge.amount_refunded === charge.amount_captured;
      emit('charge.refunded', charge);
      return [
        200,
        { id: id('re'), object: 'refund', amount, charge: charge.id, payment_intent: pi.id, status: 'succeeded' },
      ];
    }
    throw new ApiError(404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${method}: ${path}).`,
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // The browser (Stripe.js) calls from the shop's origin; Stripe answers any origin.
    res.setHeader('access-control-allow-origin', '*');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-headers': 'content-type',
        'access-control-allow-methods': 'GET, POST',
      });
      return res.end();
    }
    if (req.method === 'GET' && (url.pathname === '/v3/' || url.pathname === '/v3')) {
      res.writeHead(200, { 'content-type': 'application/javascript; charset=utf-8', 'cache-control': 'no-store' });
      return res.end(STRIPE_JS_DOUBLE);
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const key = req.headers['idempotency-key'] as string | undefined;
    double.requests.push({ method, path: url.pathname, idempotencyKey: key });
    const form = new URLSearchParams(method === 'GET' ? url.search : raw);
    const send = (status: number, body: string, replayed = false) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'request-id': id('req'),
        ...(key ? { 'idempotency-key': key } : {}),
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
      });
      res.end(body);
    };
    if (double.unavailable)
      return send(503, JSON.stringify({ error: { type: 'api_error', message: 'Stripe is unavailable.' } }));
    const isBrowser = form.get('key')?.startsWith('pk_');
    if (!isBrowser && req.headers.authorization !== `Bearer ${secretKey}`)
      return send(
        401,
        JSON.stringify({ error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } }),
      );
    const fingerprint = `${method} ${url.pathname} ${raw}`;
    if (method === 'POST' && key) {
      const seen = idempotent.get(key);
      if (seen && seen.fingerprint !== fingerprint)
        return send(
          400,
          JSON.stringify({
            error: {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with.`,
            },
          }),
        );
      if (seen) return send(seen.status, seen.body, true);
    }
    let status: number;
    let body: string;
    try {
      const [s, b] = route(method, url.pathname, form);
      [status, body] = [s, JSON.stringify(b)];
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      [status, body] = [err.status, JSON.stringify({ error: err.body })];
    }
    // Stripe keeps the answer under the key (not a 5xx, not a 409/429), so a retry gets the same one.
    if (method === 'POST' && key) idempotent.set(key, { fingerprint, status, body });
    if (method === 'POST' && double.dropAnswers > 0) {
      double.dropAnswers--;
      return req.socket.destroy();
    }
    send(status, body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { type: 'api_error', message: String(err) } }));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  double.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return double;
}

/**
 * What Stripe.js does for the shopper (confirmCardPayment, a 3-D Secure challenge passed): for tests
 * without a browser. Answers the intent, or Stripe's error object for a declined card.
 */
export async function confirmAsBrowser(
  double: StripeDouble,
  clientSecret: string,
  number: string,
): Promise<{ status?: string; error?: { type: string; code?: string; decline_code?: string } }> {
  const piId = clientSecret.split('_secret_')[0]!;
  const post = async (path: string, fields: Record<string, string>) => {
    const res = await fetch(`${double.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: double.publishableKey, client_secret: clientSecret, ...fields }).toString(),
    });
    return (await res.json()) as { status?: string; error?: { type: string; code?: string; decline_code?: string } };
  };
  const r = await post(`/v1/payment_intents/${piId}/confirm`, {
    'payment_method_data[type]': 'card',
    'payment_method_data[card][number]': number,
  });
  return r.status === 'requires_action' ? post(`/v1/payment_intents/${piId}/authenticate`, {}) : r;
}
