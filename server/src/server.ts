import {
  engagementRoutes,
  lineWebhookRoutes,
  exportCampaignSends,
  eraseCampaignDetails,
  exportRestockWishes,
  eraseRestockWishes,
  restockRoutes,
  restockWishesMergeStep,
  restockRequestsSql,
  sendDueCampaigns,
  keepRfmGrid,
  triggerJobs,
  triggerSubscriptions,
} from './modules/engagement/service.ts';
import {
  analyticsRoutes,
  cohortRoutes,
  couponEffectRoutes,
  settleOnOrderEvent,
  settleSales,
  SETTLING_EVENTS,
  customerValueRoutes,
  eraseCustomerValue,
  forecastRoutes,
  exportCustomerValue,
  refitCustomerValueIfDue,
  keepForecastsIfDue,
  keepStockouts,
  keepOmniIfDue,
  cohortsMergeStep,
  eraseCohortTier,
  fillCohortsIfDue,
  keepCoupons,
  keepTierOnChange,
  stockoutRoutes,
} from './modules/analytics/service.ts';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Config } from './platform/config.ts';
import { openDatabase, openOptionsOf, type Database } from './platform/db/connection.ts';
import { migrateOrCheck } from './platform/db/migrate.ts';
import { EventHub } from './platform/events/hub.ts';
import { TABLE_CHANGED_TOPIC, everyTableChanged, tableChanged } from './platform/db/table-cache.ts';
import { createHttpApp } from './platform/http/app.ts';
import { purgeIdempotencyKeys } from './platform/http/idempotency.ts';
import { OpenStreams, streamRoutes } from './platform/http/stream.ts';
import { startJobs } from './platform/jobs.ts';
import { ensureSecret } from './platform/secret.ts';
import { createMetrics, type DeliveryStats, type Metrics } from './platform/metrics.ts';
import { probeRoutes, type Lifecycle } from './platform/http/probes.ts';
import { metricsRoute, startMetricsListener, type MetricsListener } from './platform/http/metrics-endpoint.ts';
import { query, type Db } from './platform/db/connection.ts';
import type { Principal } from './platform/auth.ts';
import { locationRoutes } from './modules/locations/routes.ts';
import { getBusiness } from './modules/locations/service.ts';
import { staffRoutes } from './modules/staff/routes.ts';
import { tokenResolver } from './modules/staff/service.ts';
import { purgeLoginFailures } from './platform/login-throttle.ts';
import { catalogRoutes } from './modules/catalog/routes.ts';
import { imageRoutes } from './modules/catalog/image-routes.ts';
import { openObjectStore, type ObjectStore } from './platform/storage/storage.ts';
import { mediaRoutes } from './platform/storage/routes.ts';
import { inventoryRoutes } from './modules/inventory/routes.ts';
import {
  eraseNotices,
  exportNotices,
  ensureVapidKeys,
  lineChannel,
  linkKeys,
  marketingRoutes,
  notifyOrderEvents,
  notifyAppointmentEvents,
  pushChannel,
  pushMergeStep,
  vapidSubject,
  withConsentCheck,
  smtpChannel,
  webhookChannel,
  natsChannel,
  publishToIntegrations,
  syncWebhookDemand,
  webhookDocs,
  webhookEventNames,
} from './modules/notifications/service.ts';
import {
  announceLowStock,
  LEVEL_CHANGED,
  moveReservations,
  stockStreamFilter,
  sweepExpired,
} from './modules/inventory/service.ts';
import { customerRoutes, type CustomerHooks } from './modules/customers/routes.ts';
import {
  eraseFavourites,
  exportFavourites,
  favouriteRoutes,
  favouritesMergeStep,
} from './modules/favourites/service.ts';
import {
  eraseScanAndGo,
  exitPassKey,
  exportScanAndGo,
  scanAndGoMergeStep,
  scanAndGoRoutes,
} from './modules/scan-and-go/service.ts';
import { eraseReviews, exportReviews, reviewRoutes, reviewsMergeStep } from './modules/reviews/service.ts';
import {
  appointmentRoutes,
  appointmentsMergeStep,
  eraseAppointments,
  exportAppointments,
  sendAppointmentReminders,
} from './modules/appointments/service.ts';
import { loyaltyRoutes } from './modules/loyalty/routes.ts';
import { expireLoyalty, exportLedgers, ledgersMergeStep } from './modules/loyalty/service.ts';
import { eventRoutes } from './modules/events/routes.ts';
import { clientelingRoutes } from './modules/clienteling/routes.ts';
import { deliveryStats, logSender, purgeOutbox, type Channel, type Channels } from './platform/outbox.ts';
import { Dispatcher } from './platform/dispatcher.ts';
import { notificationRoutes } from './modules/notifications/routes.ts';
import { EgressGuard, type ResolveHost } from './platform/egress.ts';
import { Subscribers } from './platform/subscribers.ts';
import { setEventDemand } from './platform/event-demand.ts';
import { promotionRoutes } from './modules/promotions/routes.ts';
import { exportIssuedCoupons, issuedCouponsMergeStep } from './modules/promotions/service.ts';
import { browserOrigins, noCardProvider, stripeCardProvider, testCardProvider } from './modules/payments/service.ts';
import { customerTokenResolver, lineLoginRoutes, memberCodeKey, purgePositions } from './modules/customers/service.ts';
import { cartStreamAdmission, recordOrderTimeline } from './modules/clienteling/service.ts';
import {
  cancelUncollected,
  purgeCardAttempts,
  sweepCardAttempts,
  finishLapsedTopUps,
  eraseOrders,
  eraseWaitingCheckouts,
  exportOrders,
  orderLookupRoutes,
  orderRoutes,
  orderStreamFilter,
  cartStreamFilter,
  retryCardRefunds,
  refreshPurchaseFacts,
} from './modules/orders/service.ts';
import { recommendationRoutes, refreshIfDue, suggestAtStore } from './modules/recommendations/service.ts';
import { storefrontRoutes } from './modules/storefront/service.ts';
import { backupRoutes } from './platform/backup/routes.ts';
import { importRoutes, resumeImports } from './modules/imports/service.ts';
import { auditRoutes } from './platform/http/audit-routes.ts';

export const version: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

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
  /** Where media files (product images) are kept: MEDIA_STORAGE's directory or bucket. */
  media: ObjectStore;
  /** Sends the outbox (started unless jobs are off). */
  dispatcher: Dispatcher;
  /** Who hears of the modules' events (the outbox's 'event' channel hands each event to them). */
  subscribers: Subscribers;
  /** Open SSE responses of this copy (how many: `streams.size`). */
  streams: OpenStreams;
  secret: string;
  /** ready: built, migrated, jobs started; draining: close() has begun (/readyz answers 503). */
  lifecycle: Lifecycle;
  metrics: Metrics;
  /** Where webhooks may go: WEBHOOK_ALLOW_CIDRS and the resolver (checked at registration and every delivery). */
  egress: EgressGuard;
  /** The separate metrics listener when METRICS_PORT is set (its URL, e.g. for tests). */
  metricsListener: MetricsListener | undefined;
  /**
   * Which news only integrations hear is written from now on (platform/event-demand.ts): what the active
   * webhook endpoints want and, with NATS_URL, every public event. Run at build; run again after a first
   * start's demo seed, which clears it so the seeded past is not sent.
   */
  syncEventDemand(): Promise<void>;
  /**
   * Shut down without dropping work: stop accepting, let requests in flight finish (at most graceMs,
   * default SHUTDOWN_GRACE_MS; then what is still open is cut), let running jobs finish their batch, then
   * close the event hub and the pool.
   */
  close(opts?: { graceMs?: number }): Promise<void>;
}

export interface BuildOptions {
  /** Use this database instead of opening one from config (tests, tools). It is not closed by close(). */
  database?: Database;
  /**
   * The database from config, already being opened (main.ts starts it, `openOptionsOf(config)`, while this
   * module graph loads). Owned like one opened here: closed by close() and when the build fails.
   */
  opening?: Promise<Database>;
  logger?: FastifyServerOptions['logger'];
  /** Run background jobs (expiry sweep, purges). On by default. */
  jobs?: boolean;
  /** Fail an answer whose response schema would drop a field (the tests): see platform/http/answers.ts. */
  strictAnswers?: boolean;
  /** How webhook hosts are resolved (platform/egress.ts): DNS by default; tests answer themselves, so no query leaves. */
  resolveHost?: ResolveHost;
}

/** The composition root: config → database → modules → HTTP. */
/**
 * customers (identity) ranks below the modules that keep rows per person, so their part of a merge and of
 * a personal data export is handed to it here. The order is that of the merge record and of the export.
 */
const customerHooks: CustomerHooks = {
  mergeSteps: [
    ledgersMergeStep,
    {
      move: async (tx, from, to) => ({ reservations: await moveReservations(tx, from, to) }),
      moveBack: async (tx, moved, survivorId, restoredId) => {
        const ids = Array.isArray(moved.reservations) ? (moved.reservations as string[]) : [];
        await moveReservations(tx, survivorId, restoredId, ids);
      },
    },
    pushMergeStep,
    issuedCouponsMergeStep,
    restockWishesMergeStep,
    favouritesMergeStep,
    scanAndGoMergeStep,
    reviewsMergeStep,
    appointmentsMergeStep,
    cohortsMergeStep,
  ],
  // A personal data export holds every module's part, and erasure reaches every module's personal
  // columns (server/src/test/personal-columns.ts lists them). Later modules add theirs here.
  exportSources: [
    exportLedgers,
    exportOrders,
    exportNotices,
    exportCampaignSends,
    exportIssuedCoupons,
    exportRestockWishes,
    exportFavourites,
    exportScanAndGo,
    exportReviews,
    exportAppointments,
    exportCustomerValue,
  ],
  eraseSteps: [
    eraseOrders,
    eraseWaitingCheckouts,
    eraseNotices,
    eraseCampaignDetails,
    eraseRestockWishes,
    eraseFavourites,
    eraseScanAndGo,
    eraseReviews,
    eraseAppointments,
    eraseCustomerValue,
    eraseCohortTier,
  ],
};

export async function buildServer(config: Config, opts: BuildOptions = {}): Promise<Server> {
  const database = opts.database ?? (await (opts.opening ?? openDatabase(openOptionsOf(config))));
  const lifecycle: Lifecycle = { ready: false, draining: false };
  const egress = new EgressGuard({ allow: config.webhookAllowCidrs, resolve: opts.resolveHost });
  let metricsListener: MetricsListener | undefined;
  try {
    await migrateOrCheck(database, config.migrateOnStart);
    const secret = await ensureSecret(database, config.secret, config.dataDir);
    const vapid = await ensureVapidKeys(
      database,
      {
        ...config.vapid,
        subject: vapidSubject({ ...config.vapid, publicUrl: config.publicUrl, mailFrom: config.mailFrom }),
      },
      config.dataDir,
    );
    const links = linkKeys(secret);
    const hub = new EventHub(database);
    await hub.start();
    const db = database.db;
    // Reads that tolerate a little lag (search, catalogue, availability lists, analytics, recommendations,
    // the shop's pages) get `read`: the replica of DATABASE_READ_URL while it is up and close behind, else
    // the primary (platform/db/replica.ts). Everything else, and every transaction, uses `db`.
    const read = database.read;
    // Tables kept in memory (the automatic promotions) are read again when any app copy changes them.
    hub.subscribe((e) => e.topic === TABLE_CHANGED_TOPIC && tableChanged(db, String(e.data.table)));
    hub.onResync(() => everyTableChanged(db));
    // Every hub listener from here on is an SSE stream.
    const internalListeners = hub.size;
    const metrics = createMetrics({
      database,
      sseClients: () => Math.max(0, hub.size - internalListeners),
      deliveryStats: () => deliveryByChannel(db),
    });
    // The card acquirer: Stripe, or the built-in test one (the demo), each only when configured; none, otherwise.
    const card = config.stripe
      ? stripeCardProvider(config.stripe)
      : config.cardProvider === 'test'
        ? testCardProvider(db, { latencyMs: config.testCardLatencyMs })
        : noCardProvider();
    const app = await createHttpApp({
      db,
      webhooks: webhookDocs(),
      thirdPartyOrigins: card.browser ? browserOrigins(card.browser) : undefined,
      strictAnswers: opts.strictAnswers,
      logger: opts.logger ?? {
        level: config.logLevel,
        redact: ['req.headers.authorization'],
        serializers: {
          req: (req: { method: string; url: string; id: string }) => ({
            method: req.method,
            url: req.url.replace(/token=[^&]+/, 'token=…'),
            id: req.id,
          }),
        },
      },
      resolveToken: anyOf(tokenResolver(db, config.bootstrapToken), customerTokenResolver(db)),
      sessionSecret: secret,
      webDist: config.webDist,
      version,
      observeRequest: metrics.observeRequest,
      trustProxy: config.trustProxy,
    });

    if (database.replica)
      database.replica.onChange = (from, status) =>
        (status.state === 'replica' ? app.log.info.bind(app.log) : app.log.warn.bind(app.log))(
          { from, to: status.state, lagMs: status.lagMs },
          status.state === 'replica' ? 'read replica in use' : 'read replica not used: reads go to the primary',
        );
    await app.register(probeRoutes({ database, lifecycle, version }));
    if (config.metricsToken && config.metricsPort === undefined)
      await app.register(metricsRoute(metrics.registry, config.metricsToken));
    const memberKey = memberCodeKey(secret);
    await app.register(staffRoutes(db));
    await app.register(locationRoutes(db));
    const media = openObjectStore(config.media, { timeoutMs: config.delivery.timeoutMs });
    await app.register(catalogRoutes(db, read));
    await app.register(imageRoutes(db, { store: media, limits: config.images }));
    await app.register(mediaRoutes(media));
    await app.register(inventoryRoutes(db, read));
    await app.register(customerRoutes(db, customerHooks));
    await app.register(
      lineLoginRoutes(db, {
        ...config.lineLogin,
        apiUrl: config.lineApiUrl,
        secret,
        publicUrl: config.publicUrl,
        timeoutMs: config.delivery.timeoutMs,
      }),
    );
    await app.register(loyaltyRoutes(db, memberKey));
    await app.register(eventRoutes(db));
    // The card's three suggestions come from recommendations, which ranks above clienteling.
    await app.register(
      clientelingRoutes(db, {
        secret,
        suggest: suggestAtStore,
        // 取り寄せ from the card goes through the orders module's one checkout.
        checkout: { card, pickupDays: config.pickupDays, cardConfirmSeconds: config.stripe?.confirmSeconds },
      }),
    );
    await app.register(
      orderRoutes(db, {
        card,
        memberKey,
        pickupDays: config.pickupDays,
        cardConfirmSeconds: config.stripe?.confirmSeconds,
        stripeWebhookSecret: config.stripe?.webhookSecret,
        tillOfflineLimit: config.tillOfflineLimit,
        printerTimeoutMs: config.receiptPrinterTimeoutMs,
      }),
    );
    await app.register(promotionRoutes(db));
    await app.register(orderLookupRoutes(db));
    await app.register(notificationRoutes(db, egress));
    await app.register(marketingRoutes(db, { keys: links, vapid, allowLoopbackHttp: config.pushAllowLoopbackHttp }));
    await app.register(
      backupRoutes(database, { version, mediaDir: config.media.kind === 'disk' ? config.media.dir : undefined }),
    );
    await app.register(auditRoutes(db));
    await app.register(engagementRoutes(db, { publicUrl: config.publicUrl }));
    await app.register(restockRoutes(db));
    await app.register(favouriteRoutes(db));
    await app.register(scanAndGoRoutes(db, { card }, exitPassKey(secret)));
    await app.register(reviewRoutes(db));
    await app.register(appointmentRoutes(db));
    await app.register(customerValueRoutes(db));
    await app.register(forecastRoutes(db));
    await app.register(analyticsRoutes(read));
    await app.register(cohortRoutes(read));
    // 欠品・機会損失: engagement's restock wishes, of analytics' own rank, handed in here.
    await app.register(stockoutRoutes(db, { restockRequestsSql }));
    await app.register(couponEffectRoutes(read));
    await app.register(recommendationRoutes(read));
    await app.register(storefrontRoutes(db, read));
    await app.register(importRoutes(db));
    await app.register(
      lineWebhookRoutes(db, {
        channelSecret: config.lineChannelSecret,
        accessToken: config.lineToken,
        apiUrl: config.lineApiUrl,
        publicUrl: config.publicUrl,
        orders: { card, pickupDays: config.pickupDays },
      }),
    );
    const streams = new OpenStreams();
    hub.onResync((reason) =>
      app.log.warn(
        { reason, reconnects: hub.listenStatus.reconnects },
        'LISTEN connection re-established: live listeners told to resync',
      ),
    );
    await app.register(
      streamRoutes(hub, { stock: stockStreamFilter, order: orderStreamFilter, cart: cartStreamFilter }, streams, {
        cart: cartStreamAdmission(db),
      }),
    );
    await app.ready();

    // Outgoing messages: e-mail over SMTP when SMTP_URL is set, LINE when its token is, webhooks always;
    // a channel without a real sender is written to the log. Sent by the dispatcher, never inside a transaction.
    const d = config.delivery;
    const smtp = config.smtpUrl
      ? smtpChannel({
          url: config.smtpUrl,
          from: config.mailFrom,
          timeoutMs: d.timeoutMs,
          brand: async () => (await getBusiness(db)).name,
        })
      : undefined;
    // Upward news: orders writes its events to the outbox in its own transaction; after commit they are
    // handed to the modules above it. Each subscriber is idempotent (an event can be delivered twice).
    const subscribers = new Subscribers()
      .on('order.*', 'notifications', notifyOrderEvents(db))
      .on('order.*', 'clienteling.timeline', recordOrderTimeline(db))
      // 来店予約: her confirmation, reminders and cancellations through the same notice path as orders'.
      .on('appointment.*', 'notifications.appointments', notifyAppointmentEvents(db));
    // The sales rollups: each order settled again on every event that changes what it counts for.
    for (const pattern of SETTLING_EVENTS) subscribers.on(pattern, 'analytics.sales', settleOnOrderEvent(db));
    // コホート・累計LTV: her tier in the kept rows follows a tier change.
    subscribers.on('loyalty.tier_changed', 'analytics.cohort_tier', keepTierOnChange(db));
    // Trigger campaigns (engagement) listen to the news they fire on: her position near a store …
    for (const s of triggerSubscriptions({ db, publicUrl: config.publicUrl }))
      subscribers.on(s.pattern, s.name, s.handle);
    // Integrations (webhooks, and NATS JetStream with NATS_URL) hear every public event: stock levels
    // coalesced a second at a time, inventory.low after them; order events' webhooks come with the notices.
    const nats = config.natsUrl ? natsChannel({ url: config.natsUrl, log: app.log }) : undefined;
    const syncEventDemand = async () => {
      await syncWebhookDemand(db);
      await setEventDemand(db, 'nats', nats ? webhookEventNames : []);
    };
    await syncEventDemand();
    subscribers
      .coalesced(db, [LEVEL_CHANGED])
      .on(LEVEL_CHANGED, 'inventory.low', announceLowStock(db, { defaultReorderPoint: config.inventoryReorderPoint }));
    for (const name of webhookEventNames)
      subscribers.on(
        name,
        'integrations',
        publishToIntegrations(db, { nats: !!nats, webhooks: !name.startsWith('order.') }),
      );
    const toLog: Channel = { send: logSender(app.log), lane: 'channel', concurrency: 4 };
    // A campaign's message leaves only while she still agrees to it (withdrawn since queueing: given up);
    // its link goes through the click-through, and an e-mail carries her one-click unsubscribe.
    const marketing = { keys: links, publicUrl: config.publicUrl };
    const channels: Channels = {
      email: withConsentCheck(db, smtp ?? toLog, 'email', marketing),
      line: withConsentCheck(
        db,
        config.lineToken
          ? lineChannel({ token: config.lineToken, apiUrl: config.lineApiUrl, timeoutMs: d.timeoutMs })
          : toLog,
        'line',
        marketing,
      ),
      sms: toLog,
      // Web Push is always real: the browser's push service is the partner, reached with our VAPID key.
      push: withConsentCheck(
        db,
        pushChannel(db, { vapid, timeoutMs: d.timeoutMs, allowLoopbackHttp: config.pushAllowLoopbackHttp }),
        'push',
        marketing,
      ),
      webhook: webhookChannel(db, { egress, timeoutMs: d.timeoutMs, maxAttempts: config.webhookMaxAttempts }),
      event: subscribers.channel(app.log),
      ...(nats ? { nats } : {}),
    };
    const dispatcher = new Dispatcher(db, channels, {
      timeoutMs: d.timeoutMs + 1000,
      maxAttempts: d.maxAttempts,
      concurrency: d.concurrency,
      log: app.log,
    });
    if (opts.jobs !== false) dispatcher.start();
    const stopJobs =
      opts.jobs === false
        ? async () => {}
        : startJobs(
            [
              {
                name: 'reservations.sweep',
                everyMs: config.reservationSweepSeconds * 1000,
                run: () => sweepExpired(db),
              },
              {
                name: 'idempotency.purge',
                everyMs: 3600_000,
                run: () => purgeIdempotencyKeys(db, config.idempotencyTtlHours),
              },
              { name: 'auth.purge', everyMs: 3600_000, run: () => purgeLoginFailures(db) },
              // A CSV import whose process died mid-run carries on from its last batch (modules/imports).
              { name: 'imports.resume', everyMs: 30_000, run: () => resumeImports(db) },
              {
                name: 'outbox.purge',
                everyMs: 3600_000,
                run: () => purgeOutbox(db, { sentDays: d.retentionDays, deadDays: d.retentionDays * 3 }),
              },
              { name: 'loyalty.expire', everyMs: 600_000, run: () => expireLoyalty(db) },
              { name: 'orders.uncollected', everyMs: 300_000, run: () => cancelUncollected(db, { card }) },
              // A card checkout whose process died: its authorisation voided and its holds released within seconds;
              // with Stripe, one she confirmed but whose browser and webhook never placed it becomes her order.
              {
                name: 'checkout.abandoned',
                everyMs: 2000,
                run: () =>
                  sweepCardAttempts(db, {
                    card,
                    pickupDays: config.pickupDays,
                    cardConfirmSeconds: config.stripe?.confirmSeconds,
                  }),
              },
              { name: 'wallet.top_ups', everyMs: 5000, run: () => finishLapsedTopUps(db, card) },
              { name: 'checkout.purge', everyMs: 3600_000, run: () => purgeCardAttempts(db) },
              { name: 'returns.card_refunds', everyMs: 60_000, run: () => retryCardRefunds(db, { card }) },
              // Members' purchase facts (segments) whose orders changed or whose window moved, recomputed.
              { name: 'orders.purchase_facts', everyMs: 30_000, run: () => refreshPurchaseFacts(db) },
              // The sales rollups: every order walked once (history before them), the last two days re-settled.
              { name: 'analytics.settle', everyMs: 60_000, run: () => settleSales(db) },
              // オムニ: the omni table kept per member for the last 30 days and 12 months, rebuilt each Japan day.
              {
                name: 'analytics.omni',
                everyMs: 600_000,
                firstAfterMs: 30_000,
                run: () => keepOmniIfDue(database),
              },
              // コホート・累計LTV: kept per person, filled once from the per-order rows (kept exact since).
              {
                name: 'analytics.cohorts',
                everyMs: 600_000,
                firstAfterMs: 20_000,
                run: () => fillCohortsIfDue(database),
              },
              // クーポン効果: the uses kept per day, filled once; the codes of each day that is over counted.
              {
                name: 'analytics.coupons',
                everyMs: 600_000,
                firstAfterMs: 25_000,
                run: () => keepCoupons(database),
              },
              // 欠品: the spells with nothing on hand kept up to the stock ledger (pairs moved since the last walk).
              {
                name: 'analytics.stockouts',
                everyMs: 60_000,
                firstAfterMs: 15_000,
                run: () => keepStockouts(db, { restockRequestsSql }),
              },
              // RFM分析: the grid kept every few minutes (read instead of scoring every buyer at a large chain).
              { name: 'engagement.rfm_grid', everyMs: 300_000, firstAfterMs: 40_000, run: () => keepRfmGrid(db) },
              // 予約配信: campaigns whose time has come, sent as the person who scheduled them.
              {
                name: 'engagement.scheduled',
                everyMs: 30_000,
                run: () => sendDueCampaigns(db, { publicUrl: config.publicUrl }),
              },
              // 来店予約のリマインダー: the day before and 2 hours before, each claimed once (guarded update).
              {
                name: 'appointments.reminders',
                everyMs: 300_000,
                firstAfterMs: 10_000,
                run: () => sendAppointmentReminders(db),
              },
              { name: 'customers.positions_purge', everyMs: 3600_000, run: () => purgePositions(db) },
              // 一緒に買われている商品: every product's neighbours recomputed from the members' histories when an hour old.
              { name: 'recommendations.refresh', everyMs: 60_000, run: () => refreshIfDue(db) },
              // … and the sweeps of the others (carts left untouched; the order reminders, お知らせ（自動）).
              ...triggerJobs({ db, publicUrl: config.publicUrl }),
              // 予測LTV: the customer-value model refitted once a day (checked hourly; the first start fits at once).
              {
                name: 'analytics.customer_value',
                everyMs: 3600_000,
                firstAfterMs: 20_000,
                run: () => refitCustomerValueIfDue(db),
              },
              // 需要予測: every item × location's forecast and its accuracy kept once a Japan day (checked hourly).
              {
                name: 'analytics.forecast',
                everyMs: 3600_000,
                firstAfterMs: 40_000,
                run: () => keepForecastsIfDue(db),
              },
            ],
            app.log,
            metrics.jobs,
          );
    if (config.metricsPort !== undefined) {
      metricsListener = await startMetricsListener(metrics.registry, {
        port: config.metricsPort,
        host: config.host,
        token: config.metricsToken,
      });
      app.log.info({ url: metricsListener.url }, 'metrics listening');
    }
    lifecycle.ready = true;

    /**
     * The first step of close(), before the listener stops: the copy is marked draining (/readyz answers
     * 503 so the balancer stops sending) and SSE streams end politely with a retry hint (open streams
     * would otherwise hold close() until the grace is over).
     */
    const beginDrain = async () => {
      lifecycle.draining = true; // /readyz answers 503 from now on
      streams.close(); // SSE listeners get a retry hint and reconnect to another copy
      // A balancer that polls /readyz (Kubernetes, a cloud balancer) takes a few seconds to stop sending:
      // keep serving meanwhile, so nothing arrives at a closed listener.
      if (config.shutdownDelayMs > 0) await new Promise((r) => setTimeout(r, config.shutdownDelayMs));
    };

    return {
      app,
      database,
      media,
      hub,
      dispatcher,
      subscribers,
      streams,
      secret,
      lifecycle,
      metrics,
      egress,
      metricsListener,
      syncEventDemand,
      close: async ({ graceMs = config.shutdownGraceMs } = {}) => {
        await beginDrain();
        const cut = setTimeout(() => {
          app.log.warn({ graceMs }, 'shutdown grace over: closing the connections still open');
          app.server.closeAllConnections();
        }, graceMs);
        // Node closes the idle keep-alive sockets once, when the listener closes; a socket whose last
        // answer was still being written then turns idle just after and would hold close() open until
        // its keep-alive timeout. Sweep again until the server has closed.
        const sweep = setInterval(() => app.server.closeIdleConnections(), 250);
        try {
          // app.close(): no new connections, idle keep-alive sockets closed, requests in flight answered
          // (with Connection: close). Meanwhile jobs stop between runs and the dispatcher stops claiming
          // and records the sends in flight (each bounded by DELIVERY_TIMEOUT_MS).
          await Promise.all([app.close(), stopJobs(), dispatcher.stop()]);
        } finally {
          clearTimeout(cut);
          clearInterval(sweep);
        }
        smtp?.close();
        await nats?.close();
        await hub.close();
        await metricsListener?.close();
        if (!opts.database) await database.close();
      },
    };
  } catch (err) {
    await metricsListener?.close();
    if (!opts.database) await database.close().catch(() => {});
    throw err;
  }
}

/** The delivery backlog for the metrics, one queue per channel (waiting, the oldest one's age, dead letters). */
async function deliveryByChannel(db: Db): Promise<Record<string, DeliveryStats>> {
  const stats = await deliveryStats(db);
  const quiet = { pending: 0, oldestPendingSeconds: 0, dead: 0 };
  // Every channel is reported, 0 when it has nothing waiting, so dashboards and alerts see a series.
  return Object.fromEntries(
    (['email', 'line', 'webhook', 'sms', 'push', 'event', 'nats'] as const).map((ch) => {
      const c = stats.byChannel.find((x) => x.channel === ch);
      return [ch, c ? { pending: c.pending, oldestPendingSeconds: c.oldestPendingSeconds, dead: c.dead } : quiet];
    }),
  );
}
