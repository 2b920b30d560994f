import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { parseCidr } from './egress.ts';

/** Everything Musubi reads from the environment, parsed once at start-up. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  // A streaming replica for reads that tolerate a little lag (docs/operations.md, Read replicas).
  DATABASE_READ_URL: z.string().url().optional(),
  DATABASE_READ_MAX_LAG_MS: z.coerce.number().int().min(0).max(3_600_000).default(5000),
  DATABASE_READ_PROBE_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  // The embedded database's buffer cache (platform/db/connection.ts); Postgres's own would be 128MB.
  EMBEDDED_SHARED_BUFFERS: z
    .string()
    .regex(/^[1-9]\d*(kB|MB|GB)$/, 'must be a size such as 16MB or 128MB')
    .default('16MB'),
  MUSUBI_DEMO: z
    .enum(['0', '1', 'true', 'false', 'on', 'off'])
    .default('1')
    .transform((v) => ['1', 'true', 'on'].includes(v)),
  MUSUBI_BOOTSTRAP_TOKEN: z.string().min(16).optional(),
  MUSUBI_SECRET: z.string().min(16).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  IDEMPOTENCY_TTL_HOURS: z.coerce.number().int().min(24).default(48),
  RESERVATION_SWEEP_SECONDS: z.coerce.number().int().min(1).default(15),
  WEB_DIST: z.string().optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be smtp://user:pass@host:port or smtps://…')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Musubi <no-reply@musubi.local>'),
  PUBLIC_URL: z
    .string()
    .url()
    .regex(/^https?:\/\/[^/]+\/?$/, 'must be the site’s origin, e.g. https://shop.example.jp')
    .optional(),
  LINE_CHANNEL_ACCESS_TOKEN: z.string().min(10).optional(),
  LINE_API_URL: z.string().url().default('https://api.line.me'),
  LINE_CHANNEL_SECRET: z.string().min(10).optional(),
  LINE_LOGIN_CHANNEL_ID: z.string().min(1).max(40).optional(),
  LINE_LOGIN_CHANNEL_SECRET: z.string().min(10).optional(),
  LINE_LOGIN_URL: z.string().url().default('https://access.line.me'),
  VAPID_PUBLIC_KEY: z.string().min(20).optional(),
  VAPID_PRIVATE_KEY: z.string().min(20).optional(),
  VAPID_SUBJECT: z
    .string()
    .regex(/^(https:\/\/|mailto:)/, 'must be an https: URL or a mailto: address')
    .optional(),
  PUSH_ALLOW_LOOPBACK_HTTP: z
    .enum(['0', '1', 'true', 'false', 'on', 'off'])
    .default('0')
    .transform((v) => ['1', 'true', 'on'].includes(v)),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  // NATS JetStream: every webhook event is also published there (subjects musubi.<event>, stream MUSUBI).
  NATS_URL: z
    .string()
    .regex(/^(nats|tls|wss?):\/\//, 'must be a nats://, tls:// or ws(s):// URL')
    .optional(),
  // 発注点: inventory.low when available falls below it, for a variant × location without its own.
  INVENTORY_REORDER_POINT: z.coerce.number().int().min(0).max(1_000_000).default(3),
  // Addresses webhooks may reach although they are refused by default (loopback, private, link-local, CGNAT,
  // metadata…): comma-separated CIDRs, e.g. 127.0.0.0/8 for a receiver on the same host. Empty: none.
  WEBHOOK_ALLOW_CIDRS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .refine((cidrs) => cidrs.every((c) => parseCidr(c)), 'must be comma-separated CIDRs, e.g. 127.0.0.0/8,::1/128'),
  DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  DELIVERY_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  PICKUP_DAYS: z.coerce.number().int().min(1).max(60).default(7),
  // The most a till may take while offline (yen, all its queued sales together): beyond it the clerk is told to wait for the network.
  TILL_OFFLINE_LIMIT: z.coerce.number().int().min(0).max(100_000_000).default(300_000),
  // How long a print to a store's receipt printer may take (connect, status, send), so a dead printer never holds the till.
  RECEIPT_PRINTER_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  // Who takes online card payments: `stripe` (Stripe, with the STRIPE_* keys below), `test` (the built-in
  // test acquirer: approves any test number — the demo only) or `none` (cards are not offered online).
  // Unset: `test` with MUSUBI_DEMO on, else `none`.
  CARD_PROVIDER: z.enum(['stripe', 'test', 'none']).optional(),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_/, 'must be a Stripe secret key (sk_… or rk_…)')
    .optional(),
  STRIPE_PUBLISHABLE_KEY: z.string().regex(/^pk_/, 'must be a Stripe publishable key (pk_…)').optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_/, 'must be a webhook signing secret (whsec_…)')
    .optional(),
  STRIPE_API_BASE: z.string().url().default('https://api.stripe.com'),
  STRIPE_JS_URL: z.string().url().default('https://js.stripe.com/v3/'),
  STRIPE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  // How long a shopper has to confirm her card (3-D Secure included) while the stock waits for her.
  STRIPE_CONFIRM_SECONDS: z.coerce.number().int().min(60).max(3600).default(600),
  // The built-in test acquirer's answer time (0: at once); crash tests and demos make it realistic.
  TEST_CARD_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  // Operations (docs/operations.md): /metrics protection and database timeouts.
  METRICS_TOKEN: z.string().min(16).optional(),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(15000),
  DATABASE_IDLE_TX_TIMEOUT_MS: z.coerce.number().int().min(0).default(30000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(120_000).default(0),
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v, ctx) => parseTrustProxy(v, ctx)),
  // Product images and other media (docs/images.md): on disk under MEDIA_DIR, or in an S3-compatible bucket.
  MEDIA_STORAGE: z.enum(['disk', 's3']).default('disk'),
  MEDIA_DIR: z.string().optional(),
  S3_ENDPOINT: z.string().url().optional(),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
    .optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_PREFIX: z
    .string()
    .regex(/^[\w./-]*$/, 'letters, digits and . _ - / only')
    .default(''),
  IMAGE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  IMAGE_MAX_PIXELS: z.coerce.number().int().min(10_000).max(268_402_689).default(40_000_000),
  MUSUBI_MIGRATE_ON_START: z
    .enum(['0', '1', 'true', 'false', 'on', 'off'])
    .default('1')
    .transform((v) => ['1', 'true', 'on'].includes(v)),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /** DATABASE_READ_URL and its bounds: lag-tolerant reads on a streaming replica (platform/db/replica.ts). */
  databaseRead: { url: string; maxLagMs: number; probeMs: number } | undefined;
  /** EMBEDDED_SHARED_BUFFERS: shared_buffers of the embedded database (PGlite). */
  embeddedSharedBuffers: string;
  demo: boolean;
  /** `stripe`: Stripe (see `stripe`); `test`: the built-in test acquirer (demo); `none`: online card payment is not offered. */
  cardProvider: 'stripe' | 'test' | 'none';
  /** With CARD_PROVIDER=stripe: its keys, where its API and Stripe.js are, a call's time limit, the confirmation window. */
  stripe: StripeConfig | undefined;
  bootstrapToken: string | undefined;
  secret: string | undefined;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  idempotencyTtlHours: number;
  reservationSweepSeconds: number;
  webDist: string | undefined;
  /** Outgoing e-mail; unset → messages are written to the log. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** The address shoppers open (https://shop.example.jp): links in e-mail and LINE messages; unset → those carry no link. */
  publicUrl: string | undefined;
  /** LINE Messaging API: order notices to members who linked LINE; unset → written to the log. */
  lineToken: string | undefined;
  lineApiUrl: string;
  /** The Messaging API channel secret: verifies the official account's webhook (x-line-signature); unset → the webhook answers 404 (not offered here). */
  lineChannelSecret: string | undefined;
  /** LINE Login (OAuth 2.0 / OpenID Connect) for members linking LINE: channel id and secret; the authorize page's origin (token and verify use lineApiUrl). */
  lineLogin: { channelId: string | undefined; channelSecret: string | undefined; authorizeUrl: string };
  /** Web Push (VAPID): a key pair from the environment, else generated once and kept like the secret. */
  vapid: { publicKey: string | undefined; privateKey: string | undefined; subject: string | undefined };
  /** Accept http://127.0.0.1 push endpoints (tests, development with a local push double); never in production. */
  pushAllowLoopbackHttp: boolean;
  /** Days a store pickup waits before it is cancelled as uncollected and restocked. */
  pickupDays: number;
  /** The most a till may take offline (yen, its queued sales together). */
  tillOfflineLimit: number;
  receiptPrinterTimeoutMs: number;
  testCardLatencyMs: number;
  webhookMaxAttempts: number;
  /** NATS server(s) to publish every integration event to (JetStream); undefined: not published. */
  natsUrl: string | undefined;
  /** The 発注点 of a variant × location that has none of its own (inventory.low). */
  inventoryReorderPoint: number;
  /** CIDRs webhooks may reach although refused by default (platform/egress.ts). */
  webhookAllowCidrs: string[];
  /** Outgoing messages (platform/dispatcher.ts): one attempt's time limit (connect, greeting, answer), attempts before a dead letter, sends in flight, days sent messages are kept. */
  delivery: { timeoutMs: number; maxAttempts: number; concurrency: number; retentionDays: number };
  /** /metrics: Bearer token wanted on it; and/or its own port (then not served on the main port). Neither → off. */
  metricsToken: string | undefined;
  metricsPort: number | undefined;
  /** Postgres server timeouts (ms; 0 = none for the statement and idle-in-transaction ones). */
  databaseTimeouts: { connectMs: number; statementMs: number; idleInTransactionMs: number };
  /** On SIGTERM/SIGINT: how long in-flight requests may take to finish before the rest are cut. */
  shutdownGraceMs: number;
  /** On SIGTERM/SIGINT: how long to keep serving while /readyz already says 503, so the balancer stops sending first. */
  shutdownDelayMs: number;
  /** Fastify's trustProxy: which hops' X-Forwarded-For to believe, so request.ip is the client. */
  trustProxy: TrustProxy;
  /** Apply pending migrations at start (default); off when `npm run migrate` runs as its own deploy step. */
  migrateOnStart: boolean;
  /** Where media (product images) are kept: a directory, or an S3-compatible bucket. */
  media: MediaConfig;
  /** Largest image upload (bytes) and most pixels a decoded image may have (decompression bombs). */
  images: { maxBytes: number; maxPixels: number };
};

export type MediaConfig =
  | { kind: 'disk'; dir: string }
  | {
      kind: 's3';
      endpoint: string;
      bucket: string;
      region: string;
      accessKeyId: string;
      secretAccessKey: string;
      prefix: string;
    };

/**
 * MEDIA_STORAGE=disk keeps files under MEDIA_DIR (default DATA_DIR/media; a fresh temporary directory when
 * DATA_DIR=memory); s3 needs the endpoint, bucket and keys — a missing one fails at start, not at the first upload.
 */
function mediaConfig(e: z.infer<typeof envSchema>, dataDir: string, env: NodeJS.ProcessEnv): MediaConfig {
  if (e.MEDIA_STORAGE === 's3') {
    const missing = (['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).filter(
      (k) => !e[k],
    );
    if (missing.length) throw new Error(`Invalid configuration:\n  MEDIA_STORAGE=s3 needs ${missing.join(', ')}`);
    return {
      kind: 's3',
      endpoint: e.S3_ENDPOINT!.replace(/\/$/, ''),
      bucket: e.S3_BUCKET!,
      region: e.S3_REGION,
      accessKeyId: e.S3_ACCESS_KEY_ID!,
      secretAccessKey: e.S3_SECRET_ACCESS_KEY!,
      prefix: e.S3_PREFIX.replace(/^\/+|\/+$/g, ''),
    };
  }
  if (e.MEDIA_DIR) return { kind: 'disk', dir: resolveDataDir(e.MEDIA_DIR, env) };
  if (dataDir === 'memory') return { kind: 'disk', dir: join(tmpdir(), `musubi-media-${process.pid}-${randomUUID()}`) };
  return { kind: 'disk', dir: join(dataDir, 'media') };
}

export interface StripeConfig {
  secretKey: string;
  publishableKey: string;
  webhookSecret: string;
  apiBase: string;
  jsUrl: string;
  timeoutMs: number;
  confirmSeconds: number;
}

/** Stripe's settings when it is the card provider; a missing key is a configuration error, not a checkout that fails later. */
function stripeConfig(e: z.infer<typeof envSchema>): StripeConfig | undefined {
  if (e.CARD_PROVIDER !== 'stripe') return undefined;
  const missing = (['STRIPE_SECRET_KEY', 'STRIPE_PUBLISHABLE_KEY', 'STRIPE_WEBHOOK_SECRET'] as const).filter(
    (k) => !e[k],
  );
  if (missing.length) throw new Error(`Invalid configuration:\n  CARD_PROVIDER=stripe needs ${missing.join(', ')}`);
  return {
    secretKey: e.STRIPE_SECRET_KEY!,
    publishableKey: e.STRIPE_PUBLISHABLE_KEY!,
    webhookSecret: e.STRIPE_WEBHOOK_SECRET!,
    apiBase: e.STRIPE_API_BASE.replace(/\/$/, ''),
    jsUrl: e.STRIPE_JS_URL,
    timeoutMs: e.STRIPE_TIMEOUT_MS,
    confirmSeconds: e.STRIPE_CONFIRM_SECONDS,
  };
}

/** false (off), true (any hop — only behind a proxy that overwrites X-Forwarded-For), a hop count, or addresses/CIDRs. */
export type TrustProxy = boolean | number | string[];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.DATABASE_READ_URL && !e.DATABASE_URL)
    throw new Error(
      'Invalid configuration:\n  DATABASE_READ_URL: a read replica needs DATABASE_URL (the embedded database has none)',
    );
  const dataDir = resolveDataDir(e.DATA_DIR, env);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    embeddedSharedBuffers: e.EMBEDDED_SHARED_BUFFERS,
    databaseRead: e.DATABASE_READ_URL
      ? { url: e.DATABASE_READ_URL, maxLagMs: e.DATABASE_READ_MAX_LAG_MS, probeMs: e.DATABASE_READ_PROBE_MS }
      : undefined,
    demo: e.MUSUBI_DEMO,
    cardProvider: e.CARD_PROVIDER ?? (e.MUSUBI_DEMO ? 'test' : 'none'),
    stripe: stripeConfig(e),
    bootstrapToken: e.MUSUBI_BOOTSTRAP_TOKEN,
    secret: e.MUSUBI_SECRET,
    logLevel: e.LOG_LEVEL,
    idempotencyTtlHours: e.IDEMPOTENCY_TTL_HOURS,
    reservationSweepSeconds: e.RESERVATION_SWEEP_SECONDS,
    webDist: e.WEB_DIST,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    lineToken: e.LINE_CHANNEL_ACCESS_TOKEN,
    lineApiUrl: e.LINE_API_URL,
    lineChannelSecret: e.LINE_CHANNEL_SECRET,
    lineLogin: {
      channelId: e.LINE_LOGIN_CHANNEL_ID,
      channelSecret: e.LINE_LOGIN_CHANNEL_SECRET,
      authorizeUrl: e.LINE_LOGIN_URL,
    },
    vapid: { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY, subject: e.VAPID_SUBJECT },
    pushAllowLoopbackHttp: e.PUSH_ALLOW_LOOPBACK_HTTP,
    webhookMaxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
    natsUrl: e.NATS_URL,
    inventoryReorderPoint: e.INVENTORY_REORDER_POINT,
    webhookAllowCidrs: e.WEBHOOK_ALLOW_CIDRS,
    delivery: {
      timeoutMs: e.DELIVERY_TIMEOUT_MS,
      maxAttempts: e.DELIVERY_MAX_ATTEMPTS,
      concurrency: e.DELIVERY_CONCURRENCY,
      retentionDays: e.DELIVERY_RETENTION_DAYS,
    },
    pickupDays: e.PICKUP_DAYS,
    tillOfflineLimit: e.TILL_OFFLINE_LIMIT,
    receiptPrinterTimeoutMs: e.RECEIPT_PRINTER_TIMEOUT_MS,
    testCardLatencyMs: e.TEST_CARD_LATENCY_MS,
    metricsToken: e.METRICS_TOKEN,
    metricsPort: e.METRICS_PORT,
    databaseTimeouts: {
      connectMs: e.DATABASE_CONNECT_TIMEOUT_MS,
      statementMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      idleInTransactionMs: e.DATABASE_IDLE_TX_TIMEOUT_MS,
    },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
    trustProxy: e.TRUST_PROXY,
    migrateOnStart: e.MUSUBI_MIGRATE_ON_START,
    media: mediaConfig(e, dataDir, env),
    images: { maxBytes: e.IMAGE_MAX_BYTES, maxPixels: e.IMAGE_MAX_PIXELS },
  };
}

/**
 * A relative DATA_DIR is relative to where the user typed the command: npm runs workspace scripts inside
 * server/, but `npm start` at the root must keep the demo in ./data at the root (npm sets INIT_CWD).
 */
function resolveDataDir(dataDir: string, env: NodeJS.ProcessEnv): string {
  if (dataDir === 'memory' || isAbsolute(dataDir)) return dataDir;
  return resolve(env.INIT_CWD ?? process.cwd(), dataDir);
}

/** proxy-addr's names for address ranges, accepted in TRUST_PROXY's list. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: unset/false/off → off; true/on → trust every hop; a number → that many hops; otherwise a
 * comma list of addresses, CIDRs or proxy-addr's names (loopback, linklocal, uniquelocal). A typo fails
 * at start-up rather than silently trusting nothing (or everyone).
 */
function parseTrustProxy(value: string | undefined, ctx: z.RefinementCtx): TrustProxy {
  const v = value?.trim().toLowerCase() ?? '';
  if (['', 'false', 'off', '0'].includes(v)) return false;
  if (['true', 'on'].includes(v)) return true;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.filter((a) => !RANGE_NAMES.has(a) && !isAddressOrCidr(a));
  if (bad.length) ctx.addIssue({ code: 'custom', message: `not an address, CIDR or hop count: ${bad.join(', ')}` });
  return list;
}

function isAddressOrCidr(s: string): boolean {
  const m = /^([^/]+)(?:\/(.+))?$/.exec(s);
  const family = m ? isIP(m[1]!) : 0;
  if (!family) return false;
  const bits = m![2];
  if (bits === undefined) return true;
  if (family === 4 && isIP(bits) === 4) return true; // a netmask: 10.0.0.0/255.0.0.0
  return /^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}
