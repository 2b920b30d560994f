import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { z } from 'zod';
import type { Config } from './platform/config.ts';
import { openDatabase, type Database } from './platform/db/connection.ts';
import { migrateOrCheck } from './platform/db/migrate.ts';
import { EventHub } from './platform/events/hub.ts';
import { TABLE_CHANGED_TOPIC, tableChanged } from './platform/db/table-cache.ts';
import { createHttpApp } from './platform/http/app.ts';
import { purgeIdempotencyKeys } from './platform/http/idempotency.ts';
import { streamRoutes } from './platform/http/stream.ts';
import { startJobs } from './platform/jobs.ts';
import { ensureSecret } from './platform/secret.ts';
import { DomainError } from './platform/errors.ts';
import type { Principal } from './platform/auth.ts';
import { locationRoutes } from './modules/locations/routes.ts';
import { staffRoutes } from './modules/staff/routes.ts';
import { purgeLoginFailures, tokenResolver } from './modules/staff/service.ts';
import { catalogRoutes } from './modules/catalog/routes.ts';
import { inventoryRoutes } from './modules/inventory/routes.ts';
import { stockStreamFilter } from './modules/inventory/stream.ts';
import { sweepExpired } from './modules/inventory/service.ts';
import { customerRoutes } from './modules/customers/routes.ts';
import { customerTokenResolver } from './modules/customers/auth.ts';
import { loyaltyRoutes } from './modules/loyalty/routes.ts';
import { expireLoyalty } from './modules/loyalty/service.ts';
import { eventRoutes } from './modules/events/routes.ts';
import { clientelingRoutes } from './modules/clienteling/routes.ts';
import { deliverOutbox, logDeliverer, routeByChannel } from './platform/outbox.ts';
import { notificationRoutes } from './modules/notifications/routes.ts';
import { smtpDeliverer } from './modules/notifications/email.ts';
import { deliverWebhooks, webhookHandover } from './modules/notifications/webhooks.ts';
import { notifyHoldsExpiring } from './modules/notifications/notifier.ts';
import { orderRoutes } from './modules/orders/routes.ts';
import { promotionRoutes } from './modules/promotions/routes.ts';
import { testCardProvider } from './modules/payments/test-provider.ts';
import { memberCodeKey } from './modules/clienteling/service.ts';
import { retryCardRefunds } from './modules/orders/returns.ts';
import { lineDeliverer } from './modules/notifications/line.ts';
import { cancelUncollected } from './modules/orders/fulfilment.ts';
import { orderStreamFilter } from './modules/orders/stream.ts';
import { orderLookupRoutes } from './modules/orders/lookup-routes.ts';
import { backupRoutes } from './platform/backup/routes.ts';

export const version: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Try token resolvers in turn (staff mst_ / bootstrap, customer mct_). */
function anyOf(...resolvers: Array<(token: string) => Promise<Principal | undefined>>) {
  return async (token: string): Promise<Principal | undefined> => {
    for (const resolve of resolvers) {
      const principal = await resolve(token);
      if (principal) return principal;
    }
    return undefined;
  };
}

export interface Server {
  app: FastifyInstance;
  database: Database;
  hub: EventHub;
  secret: string;
  close(): Promise<void>;
}

export interface BuildOptions {
  /** Use this database instead of opening one from config (tests, tools). It is not closed by close(). */
  database?: Database;
  logger?: FastifyServerOptions['logger'];
  /** Run background jobs (expiry sweep, purges). On by default. */
  jobs?: boolean;
}

/** The composition root: config → database → modules → HTTP. */
export async function buildServer(config: Config, opts: BuildOptions = {}): Promise<Server> {
  const database = opts.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize }));
  try {
    await migrateOrCheck(database, config.migrateOnStart);
    const secret = await ensureSecret(database, config.secret, config.dataDir);
    const hub = new EventHub(database);
    await hub.start();
    const db = database.db;
    // Tables kept in memory (the automatic promotions) are read again when any app copy changes them.
    hub.subscribe((e) => e.topic === TABLE_CHANGED_TOPIC && tableChanged(db, String(e.data.table)));
    const app = await createHttpApp({
      db,
      logger: opts.logger ?? {
        level: config.logLevel,
        redact: ['req.headers.authorization'],
        serializers: {
          req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: req.url.replace(/token=[^&]+/, 'token=…'), id: req.id }),
        },
      },
      resolveToken: anyOf(tokenResolver(db, config.bootstrapToken), customerTokenResolver(db)),
      webDist: config.webDist,
      version,
    });

    app.get(
      '/health',
      {
        schema: {
          tags: ['platform'],
          summary: 'Liveness and database check',
          security: [],
          response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']), version: z.string() }) },
        },
      },
      async () => {
        try {
          await db.execute(sql`SELECT 1`);
        } catch {
          throw new DomainError('platform.unavailable');
        }
        return { status: 'ok' as const, database: database.kind, version };
      },
    );
    await app.register(staffRoutes(db));
    await app.register(locationRoutes(db));
    await app.register(catalogRoutes(db));
    await app.register(inventoryRoutes(db));
    await app.register(customerRoutes(db));
    await app.register(loyaltyRoutes(db));
    await app.register(eventRoutes(db));
    await app.register(clientelingRoutes(db, { secret }));
    const card = testCardProvider(db);
    await app.register(orderRoutes(db, { card, memberKey: memberCodeKey(secret), pickupDays: config.pickupDays }));
    await app.register(promotionRoutes(db));
    await app.register(orderLookupRoutes(db));
    await app.register(notificationRoutes(db));
    await app.register(backupRoutes(database, { version }));
    await app.register(streamRoutes(hub, { stock: stockStreamFilter, order: orderStreamFilter }));
    await app.ready();

    // E-mail goes out over SMTP when SMTP_URL is set, to the log otherwise; webhooks are handed to their own table.
    const smtp = config.smtpUrl ? smtpDeliverer(config.smtpUrl, config.mailFrom) : undefined;
    const line = config.lineToken ? lineDeliverer({ token: config.lineToken, apiUrl: config.lineApiUrl }) : undefined;
    const deliver = routeByChannel({ webhook: webhookHandover, ...(smtp ? { email: smtp } : {}), ...(line ? { line } : {}) }, logDeliverer(app.log));
    const stopJobs =
      opts.jobs === false
        ? async () => {}
        : startJobs(
            [
              { name: 'reservations.sweep', everyMs: config.reservationSweepSeconds * 1000, run: () => sweepExpired(db) },
              { name: 'idempotency.purge', everyMs: 3600_000, run: () => purgeIdempotencyKeys(db, config.idempotencyTtlHours) },
              { name: 'auth.purge', everyMs: 3600_000, run: () => purgeLoginFailures(db) },
              { name: 'outbox.deliver', everyMs: 2000, run: () => deliverOutbox(db, deliver) },
              { name: 'webhooks.deliver', everyMs: 5000, run: () => deliverWebhooks(db, { maxAttempts: config.webhookMaxAttempts }) },
              { name: 'notifications.holds', everyMs: 600_000, run: () => notifyHoldsExpiring(db) },
              { name: 'loyalty.expire', everyMs: 600_000, run: () => expireLoyalty(db) },
              { name: 'orders.uncollected', everyMs: 300_000, run: () => cancelUncollected(db, { card }) },
              { name: 'returns.card_refunds', everyMs: 60_000, run: () => retryCardRefunds(db, { card }) },
            ],
            app.log,
          );

    return {
      app,
      database,
      hub,
      secret,
      close: async () => {
        await stopJobs();
        smtp?.close();
        await app.close();
        await hub.close();
        if (!opts.database) await database.close();
      },
    };
  } catch (err) {
    if (!opts.database) await database.close().catch(() => {});
    throw err;
  }
}
