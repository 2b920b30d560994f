import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from './schemas.ts';
import { scopeOf } from '../api-scopes.ts';
import { audienceOfPath, CSRF_HEADER, SESSION_COOKIE } from './session-cookies.ts';

/**
 * The OpenAPI document's conventions, applied to every route so no route has to spell them out:
 * an operationId made from the method and path, the problem+json answers the route can give (one shared
 * `Problem` schema), the `Idempotency-Key` header where the route honours it, and who may call it.
 * `npx @redocly/cli lint` with the recommended rules passes with no warning (openapi-lint.test.ts).
 */

type Requirement = Record<string, string[]>;

/** Who may call an operation, in the document's security schemes: route schemas name one of these. */
export const callers: Record<'anyone' | 'anyoneOrSignedIn' | 'staff' | 'customer' | 'staffOrCustomer', Requirement[]> =
  {
    /** Anyone, no credentials (a token sent anyway must still be valid). */
    anyone: [],
    /** Anyone; a session, when sent, decides what the caller may do or see. */
    anyoneOrSignedIn: [{}, { customerSession: [] }, { customerCookie: [] }, { staffSession: [] }, { staffCookie: [] }],
    staff: [{ staffSession: [] }, { staffCookie: [] }, { apiToken: [] }],
    customer: [{ customerSession: [] }, { customerCookie: [] }],
    staffOrCustomer: [
      { customerSession: [] },
      { customerCookie: [] },
      { staffSession: [] },
      { staffCookie: [] },
      { apiToken: [] },
    ],
  };

const securitySchemes = {
  staffSession: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'mst_…',
    description: 'A staff session: the `token` of POST /api/auth/login (or /api/auth/pin-switch at a till).',
  },
  staffCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE.staff,
    description: `The web app's staff session, set by a sign-in sent with \`X-Musubi-Session: cookie\` (HttpOnly). A write also sends the sign-in's \`csrfToken\` as \`${CSRF_HEADER}\`.`,
  },
  customerSession: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'mct_…',
    description: 'A member session: the `token` of POST /api/customer-auth/login or /register.',
  },
  customerCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE.customer,
    description: `The web app's member session cookie (HttpOnly); a write also sends \`${CSRF_HEADER}\`.`,
  },
  apiToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'mat_…',
    description:
      "An integration's API token (`mat_…`), created by the owner (POST /api/api-tokens, HQ 設定 → API トークン) and sent as " +
      '`Authorization: Bearer`. It acts as the owner who created it, only within its scopes: each operation open to tokens ' +
      'names the one scope it needs in its `apiToken` requirement (catalog:read, catalog:write, inventory:read, inventory:write, ' +
      'orders:read, orders:write, customers:read, customers:write, webhooks:manage); an operation without one refuses every token (403). ' +
      "The operator's bootstrap token (MUSUBI_BOOTSTRAP_TOKEN) is sent the same way and acts as the owner, unscoped.",
  },
} as const;

const tagDescriptions: Record<string, string> = {
  platform: 'Probes and health of this server copy.',
  auth: 'Staff sign-in, sessions and two-factor enrolment.',
  staff: 'Staff accounts, roles, stores and till PINs (head office).',
  locations: 'Stores and warehouses, the business profile and its receipt logo.',
  catalog: 'Products, variants, categories, barcodes (JAN) and product search.',
  inventory: 'Stock by location: levels, movements, transfers, counts and availability.',
  'customer-auth': 'Member registration, sign-in and password reset.',
  account:
    "A signed-in member's own data: profile, orders, points, wallet, consents, notifications, favourites, reviews.",
  customers: 'Customer records for staff: search, detail, consents, merges, exports and erasure.',
  loyalty: 'Points: ledger, grants and the programme rules.',
  wallet: 'The prepaid wallet (チャージ) and its ledger.',
  events: 'Behaviour events from the web and apps (views, carts) and the customer timeline.',
  reviews: 'レビュー moderation for head office: every review, hide and show again, the shop’s reply.',
  appointments:
    '来店予約: a store’s services and free slots, a member’s bookings, the store’s day (check in, no-show), services, shifts and blocks.',
  clienteling: 'Store staff serving a known customer: context, notes, suggestions.',
  carts: 'Carts, coupons on carts and checkout (guest or member), card payments.',
  orders: 'Orders across channels: search, detail, fulfilment, pickup slots, returns and refunds.',
  pos: 'The store till: sales, till sessions, receipts.',
  promotions: 'Promotions and coupons.',
  notifications: 'Messages to members: the inbox, push, e-mail and LINE, links and unsubscribe.',
  audit: 'The audit log of staff actions.',
  segments: 'Customer segments (RFM and rules) and their exports.',
  campaigns: 'Marketing campaigns to segments, their sending and results.',
  engagement: 'Restock alerts, LINE messaging and other engagement channels.',
  analytics: 'Sales, omnichannel, cohorts, lifetime value, stock-outs, coupons and replenishment.',
  recommendations: 'Product recommendations.',
  storefront: 'The shop’s browsing: listing with filters, suggestions, the home page, collections (特集).',
  imports: 'CSV imports (products, prices, stock counts, customers): dry run, run, progress.',
  realtime: 'Server-Sent Events for screens that follow changes live.',
  webhooks:
    'Webhook endpoints (head office), and the events Musubi POSTs to them, signed per Standard Webhooks (see `webhooks`).',
};

/** The document's parts that are the same for every route. */
export function openapiDocument(
  version: string,
  webhooks?: Record<string, unknown>,
): NonNullable<FastifyDynamicSwaggerOptions['openapi']> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Musubi API',
      version,
      description:
        'Musubi (結び) — one customer, one inventory, every channel.\n\n' +
        'Errors are RFC 9457 `application/problem+json` (the `Problem` schema) with a stable `code`; ' +
        'send `Accept-Language: en` for English titles and details (Japanese by default). ' +
        'Writes that move stock, money or points accept an `Idempotency-Key` header. ' +
        'Each operationId is the method and the path in camelCase (`GET /api/orders/{id}` → `getOrdersById`).',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      contact: { name: 'Musubi maintainers (see SECURITY.md for security reports)' },
    },
    servers: [{ url: '/', description: 'This Musubi server (the API and the web app share one origin)' }],
    tags: Object.entries(tagDescriptions).map(([name, description]) => ({ name, description })),
    ...(webhooks ? { webhooks } : {}),
    components: {
      securitySchemes,
      parameters: {
        Cursor: {
          name: 'cursor',
          in: 'query',
          required: false,
          description:
            "The previous page's `nextCursor`, as it was answered (opaque: do not build or change it); absent for the " +
            "first page. Walk a list by sending each answer's `nextCursor` until it is `null`.",
          schema: { type: 'string', maxLength: 500 },
        },
        Limit: {
          name: 'limit',
          in: 'query',
          required: false,
          description: 'How many items a page holds.',
          schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
        },
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Any unique string (a UUID): the first answer is stored and replayed for a repeat with the same key ' +
            '(header `Idempotent-Replayed: true`); the same key with another body is 422 ' +
            '`platform.idempotency_key_reused`, a repeat while the first is running is 409. Keys are kept IDEMPOTENCY_TTL_HOURS (48 h by default).',
          schema: { type: 'string', minLength: 1, maxLength: 255 },
        },
      },
      responses: Object.fromEntries(
        Object.values(errorResponses).map((r) => [
          r.name,
          {
            description: r.description,
            ...('retryAfter' in r ? { headers: { 'Retry-After': retryAfterHeader } } : {}),
            content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
          },
        ]),
      ),
    },
    security: [...callers.staff],
  } as NonNullable<FastifyDynamicSwaggerOptions['openapi']>;
}

const retryAfterHeader = { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } };

const errorResponses = {
  400: { name: 'BadRequest', description: 'The request is not valid (`errors[]` names each field).' },
  401: { name: 'Unauthorized', description: 'No valid credentials for an operation that needs them.' },
  403: { name: 'Forbidden', description: 'Signed in, but not allowed to do this (role, store or CSRF).' },
  404: { name: 'NotFound', description: 'No such resource, or not one the caller may see.' },
  409: { name: 'Conflict', description: 'The state does not allow it now (see `code`), or a concurrent change.' },
  422: {
    name: 'UnprocessableContent',
    description: 'Well-formed but refused: a reference to nothing, a reused Idempotency-Key.',
  },
  429: { name: 'TooManyRequests', description: 'Too many attempts: wait as `Retry-After` says.', retryAfter: true },
  default: { name: 'Problem', description: 'Any other problem (5xx included), as application/problem+json.' },
} as const satisfies Record<string, { name: string; description: string; retryAfter?: boolean }>;

type ErrorStatus = keyof typeof errorResponses;

/** `GET /api/orders/{id}/returns` → `getOrdersByIdReturns`: unique as the method and path are, and stable with them. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .replace(/^\/api(?=\/|$)/, '')
    .split('/')
    .filter(Boolean)
    .flatMap((segment) => {
      const param = /^\{(.+)\}$/.exec(segment) ?? /^:(.+)$/.exec(segment);
      return param ? ['by', ...param[1]!.split(/[^A-Za-z0-9]+/)] : segment.split(/[^A-Za-z0-9]+/);
    })
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join('');
}

interface RouteLike {
  method: string | string[];
  url: string;
  config?: {
    idempotent?: boolean;
    public?: boolean;
    customer?: boolean;
    ownAuth?: boolean;
    throttled?: boolean;
  };
}

/** The problem statuses a route can answer, from what it is: its credentials, its path, whether it writes. */
function errorStatuses(method: string, url: string, route: RouteLike, open: boolean): ErrorStatus[] {
  const writes = method !== 'GET' && method !== 'HEAD';
  const config = route.config ?? {};
  const statuses: ErrorStatus[] = [400];
  if (!config.ownAuth) statuses.push(401);
  if (!open || (writes && !config.public)) statuses.push(403);
  if (/[:{]/.test(url)) statuses.push(404);
  if (writes) statuses.push(409);
  if (config.idempotent || (writes && !config.ownAuth)) statuses.push(422);
  if (config.throttled) statuses.push(429);
  statuses.push('default');
  return statuses;
}

/** Marks carried from the route transform to the document transform (x- keys survive @fastify/swagger). */
const IDEMPOTENT = 'x-musubi-idempotent';
const ERRORS = 'x-musubi-errors';

/** jsonSchemaTransform (Zod → JSON Schema), then this project's conventions for the route. */
export const routeTransform: FastifyDynamicSwaggerOptions['transform'] = (input) => {
  const out = jsonSchemaTransform(input as Parameters<typeof jsonSchemaTransform>[0]);
  const schema = out.schema as Record<string, unknown> | undefined;
  if (!schema || schema.hide) return out;
  const route = input.route as unknown as RouteLike;
  const method = (Array.isArray(route.method) ? route.method[0] : route.method) ?? 'GET';
  const declared = schema.security as Requirement[] | undefined;
  const allowed = declared ? withSchemes(declared, input.url) : defaultCallers(input.url, route);
  const open = allowed.length === 0 || allowed.some((s) => Object.keys(s).length === 0);
  // An API token: only where a scope opens the operation, with that scope named (platform/api-scopes.ts).
  const scope = scopeOf(method, input.url);
  const security = allowed.flatMap((r) => ('apiToken' in r ? (scope ? [{ apiToken: [scope] }] : []) : [r]));
  return {
    ...out,
    schema: {
      operationId: operationIdOf(method, input.url),
      ...schema,
      security,
      ...(route.config?.idempotent ? { [IDEMPOTENT]: true } : {}),
      [ERRORS]: errorStatuses(method, input.url, route, open),
    },
  };
};

/** A route's own `security` in this document's schemes: `bearer` (any session) becomes its audience's. */
function withSchemes(declared: Requirement[], url: string): Requirement[] {
  return declared.flatMap((requirement) =>
    'bearer' in requirement
      ? [...(audienceOfPath(url.replace(/[{:]/g, '')) === 'customer' ? callers.customer : callers.staff)]
      : [requirement],
  );
}

function defaultCallers(url: string, route: RouteLike): Requirement[] {
  // A shopper's path (her account, her carts) is hers; a path of the store's that customers may also write
  // (config.customer) takes either; every other one is staff's.
  if (audienceOfPath(url.replace(/[{:]/g, '')) === 'customer') return [...callers.customer];
  return [...(route.config?.customer ? callers.staffOrCustomer : callers.staff)];
}

/** The whole document: error responses and Idempotency-Key parameters as references to the shared components. */
export const documentTransform: FastifyDynamicSwaggerOptions['transformObject'] = (input) => {
  const doc = ('openapiObject' in input ? input.openapiObject : input.swaggerObject) as OpenApiDoc;
  doc.components = doc.components ?? {};
  doc.components.schemas = { ...doc.components.schemas, Problem: problemComponent() };
  for (const methods of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(methods)) {
      if (!op || typeof op !== 'object' || !('responses' in op)) continue;
      if (op.parameters) op.parameters = op.parameters.map(sharedPagingParameter);
      if (op[IDEMPOTENT]) {
        op.parameters = [...(op.parameters ?? []), { $ref: '#/components/parameters/IdempotencyKey' }];
        delete op[IDEMPOTENT];
      }
      for (const status of (op[ERRORS] as ErrorStatus[] | undefined) ?? []) {
        op.responses[status] ??= { $ref: `#/components/responses/${errorResponses[status].name}` };
      }
      delete op[ERRORS];
    }
  }
  return doc as never;
};

/**
 * The paging parameters every list shares, as references to the one description (`Cursor`, and `Limit` where
 * the list keeps the common bounds; a list with bounds of its own keeps them inline).
 */
function sharedPagingParameter(p: unknown): unknown {
  const param = p as { in?: string; name?: string; schema?: Record<string, unknown> };
  if (param.in !== 'query') return p;
  if (param.name === 'cursor') return { $ref: '#/components/parameters/Cursor' };
  const s = param.schema ?? {};
  if (param.name === 'limit' && s.minimum === 1 && s.maximum === 200 && s.default === 50)
    return { $ref: '#/components/parameters/Limit' };
  return p;
}

interface OpenApiDoc {
  components?: { schemas?: Record<string, unknown> };
  paths?: Record<string, Record<string, Operation>>;
}
interface Operation {
  parameters?: unknown[];
  responses: Record<string, unknown>;
  [key: string]: unknown;
}

function problemComponent(): unknown {
  const { $schema: _ignored, ...json } = z.toJSONSchema(problemSchema, { io: 'output' }) as Record<string, unknown>;
  return json;
}
