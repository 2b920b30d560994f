import { scanAndGoSettings } from '../modules/scan-and-go/schema.ts';
import { sql } from 'drizzle-orm';
import type { PgInsertValue, PgTable } from 'drizzle-orm/pg-core';
import type { FastifyBaseLogger } from 'fastify';
import type { Database, Executor, Tx } from '../platform/db/connection.ts';
import { insertRows, keysDefaultedInSql } from '../platform/db/together.ts';
import { businessProfile, locations, storeEvents } from '../modules/locations/schema.ts';
import { categories, productImages, products, variants } from '../modules/catalog/schema.ts';
import type { ObjectStore } from '../platform/storage/storage.ts';
import { planDemoImages, renderDemoImages } from './images.ts';
import { stockLevels, stockMovements } from '../modules/inventory/schema.ts';
import { staffLocations, staffUsers } from '../modules/staff/schema.ts';
import { hashPassword } from '../platform/passwords.ts';
import { buildCatalog } from './catalog.ts';
import { BUSINESS, locationRows, storeEventRows } from './chain.ts';
import { seededRandom } from './prng.ts';
import { DEMO_PASSWORD, staffRows } from './staff.ts';
import { planStock } from './stock.ts';
import { planCustomers, DEMO_PIN } from './customers.ts';
import { consentHistory, customerConsents, customerIdentifiers, customers } from '../modules/customers/schema.ts';
import { customerEvents } from '../modules/events/schema.ts';
import { pointAllocations, pointEntries, pointLots, walletEntries } from '../modules/loyalty/schema.ts';
import { couponCodes, couponRedemptions, coupons, promotions } from '../modules/promotions/schema.ts';
import { campaigns, segments } from '../modules/engagement/schema.ts';
import { engagementRows } from './engagement.ts';
import { FIRST_ORDER_NUMBER, planHistory } from './history.ts';
import {
  cartLines,
  carts,
  checkoutRefusals,
  fulfilments,
  orderLines,
  orders,
  payments,
  returnLines,
  returns,
} from '../modules/orders/schema.ts';
import { restockWishes } from '../modules/engagement/schema.ts';
import { planStockouts } from './stockouts.ts';
import { collectionProducts, collections } from '../modules/storefront/schema.ts';
import { arrivalDate, collectionRows } from './collections.ts';
import { planReviews } from './reviews.ts';
import { reviews, reviewVotes } from '../modules/reviews/schema.ts';
import {
  appointmentServiceStaff,
  appointmentServices,
  appointments,
  staffShifts,
} from '../modules/appointments/schema.ts';
import { appointmentRows } from './appointments.ts';

// The demo is bulk data written once into an empty database, so it inserts into the modules' tables
// directly instead of going through their services one product at a time (seconds instead of minutes).

const CATALOG_SEED = 0x6d757375; // "musu"
const STOCK_SEED = 0x62690000; // "bi"
const CUSTOMER_SEED = 0x6b616900; // "kai" (会員)
const HISTORY_SEED = 0x72656b69; // "reki" (歴史)
const STOCKOUT_SEED = 0x6b657070; // "keppin" (欠品)
const REVIEW_SEED = 0x72657669; // "revi" (レビュー)
const SEED_LOCK = 746_455_002; // advisory lock: two app copies starting together seed once (migrate uses …001)
const CHUNK = 1000; // rows per INSERT, well under Postgres's 65,535 bind parameters

/** Everything the demo writes, except staff (whose password hash is salted, so differs per run). */
export function buildDemo() {
  const catalog = buildCatalog(seededRandom(CATALOG_SEED));
  const stock = planStock(catalog.items, seededRandom(STOCK_SEED));
  return {
    locations: locationRows(),
    categories: catalog.categories,
    products: catalog.products,
    variants: catalog.variants,
    stockLevels: stock.levels,
    stockMovements: stock.movements,
    items: catalog.items,
  };
}

async function hasLocations(executor: Executor): Promise<boolean> {
  const [row] = await executor.select({ id: locations.id }).from(locations).limit(1);
  return !!row;
}

/**
 * Write a table's rows, CHUNK at a time, each chunk one INSERT with the rows as one JSON parameter
 * (insertRows) — Drizzle's insert builds a parameter per value: its builder was ~10 s of a first start's
 * ~40 s of CPU, and its garbage much of the ~10 s of GC (profiled) — then empty the array: the seed's rows
 * are its own, and a table written is garbage while the next is (a first start's peak memory is what a
 * small machine minds). insertRows keeps Drizzle's defaults but one: a column defaulted in SQL (`now()`)
 * (or a serial) left out of some rows only, for which a chunk is split into runs of rows that give the same ones.
 */
async function insertAll<T extends PgTable>(tx: Tx, table: T, rows: PgInsertValue<T>[]): Promise<number> {
  const count = rows.length;
  const inSql = keysDefaultedInSql(table);
  for (let i = 0; i < count; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK) as Array<Record<string, unknown>>;
    // In order, so a serial id is as before.
    const shape = (r: Record<string, unknown>) => inSql.map((key) => (r[key] === undefined ? '0' : '1')).join('');
    for (let start = 0; start < chunk.length;) {
      let end = start + 1;
      while (end < chunk.length && shape(chunk[end]!) === shape(chunk[start]!)) end++;
      await tx.execute(insertRows(table, chunk.slice(start, end) as Array<T['$inferInsert']>, { returning: false }));
      start = end;
    }
  }
  rows.length = 0;
  return count;
}

/** The memory the seed is using, MB (debug log): the JavaScript heap, and outside it (PGlite's memory, buffers). */
function memoryNow(): { heapMb: number; externalMb: number; rssMb: number } {
  const m = process.memoryUsage();
  return {
    heapMb: Math.round(m.heapUsed / 1048576),
    externalMb: Math.round(m.external / 1048576),
    rssMb: Math.round(m.rss / 1048576),
  };
}

/** Till and checkout numbers continue after the demo's orders. */
async function advanceOrderNumbers(tx: Tx, count: number): Promise<number> {
  if (count) await tx.execute(sql`SELECT setval('order_number_seq', ${FIRST_ORDER_NUMBER + count - 1})`);
  return count;
}

/**
 * Seed the demo chain when the database has no locations yet. Returns counts, or null if skipped. With
 * `media`, the products get their drawn pictures (demo/images.ts), rendered while the rest is planned.
 */
export async function seedDemoIfEmpty(
  database: Database,
  log: FastifyBaseLogger,
  opts: { media?: ObjectStore | undefined } = {},
): Promise<Record<string, number> | null> {
  const db = database.db;
  if (await hasLocations(db)) {
    log.debug('locations exist: demo chain not seeded');
    return null;
  }
  const startedAt = performance.now();
  // The seeded past is not news: integrations hear nothing of it (the caller syncs their demand after).
  await db.execute(sql`DELETE FROM event_demand`);
  // scrypt once, shared by every account, then Aiko's till PIN (so paying with her points can be tried):
  // one after the other, as each takes 32 MB on a thread of its own while it runs.
  const hashing = hashPassword(DEMO_PASSWORD).then(async (hash) => ({ hash, pin: await hashPassword(DEMO_PIN) }));
  const demo = buildDemo();
  // The pictures render on libvips' threads before the history is planned (a first start's peak is what
  // a small machine minds: the two together were the highest point); a failure costs the pictures (the
  // shop shows initials), never the demo.
  const pictures = planDemoImages(demo.products, demo.variants);
  const picturesAt = performance.now();
  const rendering = opts.media
    ? renderDemoImages(opts.media, pictures.sets).then(
        (sets) => {
          log.debug({ sets, ms: Math.round(performance.now() - picturesAt) }, 'demo pictures rendered');
          return true;
        },
        (err: unknown) => {
          log.warn({ err }, 'demo pictures could not be rendered: products are shown without them');
          return false;
        },
      )
    : Promise.resolve(false);
  const withPictures = await rendering;
  const { hash: passwordHash, pin: pinHash } = await hashing;
  const staff = staffRows(passwordHash);
  const now = Date.now();
  // Planned and written a part at a time, each table's rows dropped once written (insertAll), so the year
  // of orders and the stock ledger are never in memory together; parents are written before their rows.
  // One transaction, not retried (inTransaction would: the rows are gone once written). Nothing conflicts
  // with it — an empty database, and the advisory lock keeps a second copy waiting until it commits.
  const counts = await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${SEED_LOCK})`);
    if (await hasLocations(tx)) return null; // another copy seeded while we were building
    const stores = new Set(demo.locations.filter((l) => l.kind === 'store').map((l) => l.id!));
    // スキャン＆ゴー: on at the Tokyo and Kanagawa stores (cap ¥30,000, 10 % checked), off in Osaka.
    const scanAndGo = demo.locations
      .filter((l) => l.kind === 'store')
      .map((l) => ({ locationId: l.id!, enabled: l.prefecture !== '大阪府' }));
    const shelves = collectionRows(demo.products);
    // The catalog stays in memory (the history is planned from it): its tables are written from copies.
    const written: Record<string, number> = {
      business: await insertAll(tx, businessProfile, [BUSINESS]),
      locations: await insertAll(tx, locations, [...demo.locations]),
      storeEvents: await insertAll(tx, storeEvents, storeEventRows(now)),
      categories: await insertAll(tx, categories, [...demo.categories]),
      products: await insertAll(
        tx,
        products,
        demo.products.map((p, i) => ({ ...p, createdAt: arrivalDate(i, now), updatedAt: arrivalDate(i, now) })),
      ),
      variants: await insertAll(tx, variants, [...demo.variants]),
      productImages: withPictures ? await insertAll(tx, productImages, pictures.rows) : 0,
      stockLevels: await insertAll(tx, stockLevels, [...demo.stockLevels]),
      staff: await insertAll(tx, staffUsers, staff.users),
      staffLocations: await insertAll(tx, staffLocations, staff.locations),
    };

    // The members and their year of orders (planned together: each purchase is an order), and the reviews
    // of what they bought.
    const history = planHistory(demo.items, demo, demo.stockLevels, seededRandom(HISTORY_SEED), now);
    const members = planCustomers(demo.items, seededRandom(CUSTOMER_SEED), passwordHash, now, history.basket);
    members.customers[0]!.pinHash = pinHash;
    const memberRefs = members.customers.map((c) => ({ id: c.id!, homeLocationId: c.homeLocationId ?? null }));
    const reviewRows = planReviews(
      history.rows,
      demo.items,
      demo,
      memberRefs.map((c) => c.id),
      seededRandom(REVIEW_SEED),
      now,
    );
    const engagement = engagementRows();
    log.debug(memoryNow(), 'demo members and orders planned');
    // The per-row trigger that marks a member's purchase facts stale is off for the bulk insert of the
    // history (thousands of calls); every member with an order then gets her stale row in one statement,
    // as the trigger would have left it — segments read a stale row live until the job computes it.
    await tx.execute(sql`ALTER TABLE orders DISABLE TRIGGER orders_purchase_facts_insert_delete`);
    const orderCount = await insertAll(tx, orders, history.rows.orders);
    await tx.execute(sql`ALTER TABLE orders ENABLE TRIGGER orders_purchase_facts_insert_delete`);
    await tx.execute(sql`INSERT INTO customer_purchase_facts (customer_id, expires_at)
      SELECT DISTINCT customer_id, '-infinity'::timestamptz FROM orders WHERE customer_id IS NOT NULL
      ON CONFLICT (customer_id) DO UPDATE SET expires_at = '-infinity'`);
    Object.assign(written, {
      customers: await insertAll(tx, customers, members.customers),
      customerIdentifiers: await insertAll(tx, customerIdentifiers, members.identifiers),
      customerEvents: await insertAll(tx, customerEvents, members.events),
      orders: orderCount,
      orderLines: await insertAll(tx, orderLines, history.rows.orderLines),
      fulfilments: await insertAll(tx, fulfilments, history.rows.fulfilments),
      payments: await insertAll(tx, payments, history.rows.payments),
      returns: await insertAll(tx, returns, history.rows.returns),
      returnLines: await insertAll(tx, returnLines, history.rows.returnLines),
      orderNumbers: await advanceOrderNumbers(tx, orderCount),
      pointEntries: await insertAll(tx, pointEntries, members.pointEntries),
      pointLots: await insertAll(tx, pointLots, members.pointLots),
      pointAllocations: await insertAll(tx, pointAllocations, members.pointAllocations),
      walletEntries: await insertAll(tx, walletEntries, members.walletEntries),
      consents: await insertAll(tx, customerConsents, members.consents),
      consentHistory: await insertAll(tx, consentHistory, members.consentHistory),
      carts: await insertAll(tx, carts, members.carts),
      cartLines: await insertAll(tx, cartLines, members.cartLines),
      promotions: await insertAll(tx, promotions, engagement.promotions),
      coupons: await insertAll(tx, coupons, engagement.coupons),
      couponCodes: await insertAll(tx, couponCodes, history.rows.couponCodes),
      couponRedemptions: await insertAll(tx, couponRedemptions, history.rows.couponRedemptions),
      reviews: await insertAll(tx, reviews, reviewRows.reviews),
      reviewVotes: await insertAll(tx, reviewVotes, reviewRows.votes),
    });

    // The opening receipts, sales and returns that end at today's shelves; a few best sellers run dry for
    // days while members look at them (欠品・機会損失).
    const variantById = new Map(demo.variants.map((v) => [v.id!, v]));
    const stockouts = planStockouts(
      history.ledger(),
      memberRefs,
      (variantId) => variantById.get(variantId)!.productId,
      (variantId) => variantById.get(variantId)!.price,
      stores,
      seededRandom(STOCKOUT_SEED),
      now,
    );
    log.debug(memoryNow(), 'demo stock ledger planned');
    const visits = appointmentRows(
      memberRefs.map((c) => c.id),
      now,
    );
    Object.assign(written, {
      stockMovements: await insertAll(tx, stockMovements, stockouts.movements),
      customerEvents: written.customerEvents! + (await insertAll(tx, customerEvents, stockouts.events)),
      segments: await insertAll(tx, segments, engagement.segments),
      campaigns: await insertAll(tx, campaigns, engagement.campaigns),
      checkoutRefusals: await insertAll(tx, checkoutRefusals, stockouts.refusals),
      restockWishes: await insertAll(tx, restockWishes, stockouts.wishes),
      collections: await insertAll(tx, collections, shelves.collections),
      collectionProducts: await insertAll(tx, collectionProducts, shelves.collectionProducts),
      scanAndGo: await insertAll(tx, scanAndGoSettings, scanAndGo),
      appointmentServices: await insertAll(tx, appointmentServices, visits.services),
      appointmentServiceStaff: await insertAll(tx, appointmentServiceStaff, visits.serviceStaff),
      staffShifts: await insertAll(tx, staffShifts, visits.shifts),
      appointments: await insertAll(tx, appointments, visits.visits),
    });
    return written;
  });
  if (counts) log.debug({ ms: Math.round(performance.now() - startedAt), ...memoryNow() }, 'demo chain written');
  return counts;
}
