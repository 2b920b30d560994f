import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/** Everything Musubi reads from the environment, parsed once at start-up. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  MUSUBI_DEMO: z.enum(['0', '1', 'true', 'false', 'on', 'off']).default('1').transform((v) => ['1', 'true', 'on'].includes(v)),
  MUSUBI_BOOTSTRAP_TOKEN: z.string().min(16).optional(),
  MUSUBI_SECRET: z.string().min(16).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  IDEMPOTENCY_TTL_HOURS: z.coerce.number().int().min(24).default(48),
  RESERVATION_SWEEP_SECONDS: z.coerce.number().int().min(1).default(15),
  WEB_DIST: z.string().optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be smtp://user:pass@host:port or smtps://…').optional(),
  MAIL_FROM: z.string().min(3).default('Musubi <no-reply@musubi.local>'),
  LINE_CHANNEL_ACCESS_TOKEN: z.string().min(10).optional(),
  LINE_API_URL: z.string().url().default('https://api.line.me'),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  PICKUP_DAYS: z.coerce.number().int().min(1).max(60).default(7),
  MUSUBI_MIGRATE_ON_START: z.enum(['0', '1', 'true', 'false', 'on', 'off']).default('1').transform((v) => ['1', 'true', 'on'].includes(v)),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  demo: boolean;
  bootstrapToken: string | undefined;
  secret: string | undefined;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  idempotencyTtlHours: number;
  reservationSweepSeconds: number;
  webDist: string | undefined;
  /** Outgoing e-mail; unset → messages are written to the log. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** LINE Messaging API: order notices to members who linked LINE; unset → written to the log. */
  lineToken: string | undefined;
  lineApiUrl: string;
  /** Days a store pickup waits before it is cancelled as uncollected and restocked. */
  pickupDays: number;
  webhookMaxAttempts: number;
  /** Apply pending migrations at start (default); off when `npm run migrate` runs as its own deploy step. */
  migrateOnStart: boolean;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolveDataDir(e.DATA_DIR, env),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    demo: e.MUSUBI_DEMO,
    bootstrapToken: e.MUSUBI_BOOTSTRAP_TOKEN,
    secret: e.MUSUBI_SECRET,
    logLevel: e.LOG_LEVEL,
    idempotencyTtlHours: e.IDEMPOTENCY_TTL_HOURS,
    reservationSweepSeconds: e.RESERVATION_SWEEP_SECONDS,
    webDist: e.WEB_DIST,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    lineToken: e.LINE_CHANNEL_ACCESS_TOKEN,
    lineApiUrl: e.LINE_API_URL,
    webhookMaxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
    pickupDays: e.PICKUP_DAYS,
    migrateOnStart: e.MUSUBI_MIGRATE_ON_START,
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
