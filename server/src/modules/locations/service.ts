import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { inTransaction, sqlState } from '../../platform/db/tx.ts';
import { tableCache, tableChanged } from '../../platform/db/table-cache.ts';
import { deepFreeze } from '../../platform/freeze.ts';
import { changesBetween, recordAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/ids.ts';
import { assertCanActAt, isChainWide, requireRole, type Principal } from '../../platform/auth.ts';
import { DomainError } from '../../platform/errors.ts';
import { AMENITIES, locations, type OpeningHours } from './schema.ts';
import './problems.ts';

export type Location = typeof locations.$inferSelect;
export type LocationWithDistance = Location & { distanceKm: number | null };

/** Great-circle distance in km (haversine), rounded to 10 m. */
export function distanceKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const R = 6371;
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return Math.round(2 * R * Math.asin(Math.sqrt(h)) * 100) / 100;
}

/** distanceKm in SQL (unrounded), to let the database pick the nearest few of many locations. */
function haversineSql(p: { lat: number; lng: number }): SQL {
  return sql`asin(sqrt(power(sin(radians(${locations.lat} - ${p.lat}::float8) / 2), 2)
    + cos(radians(${p.lat}::float8)) * cos(radians(${locations.lat})) * power(sin(radians(${locations.lng} - ${p.lng}::float8) / 2), 2)))`;
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/**
 * Whether a store is open at `now` by its opening hours, in Japan time (every store's timezone today). A
 * day without hours is closed; a close before the open runs past midnight.
 */
export function isOpenAt(hours: OpeningHours, now: Date): boolean {
  const tokyo = new Date(now.getTime() + 9 * 3600_000);
  const minute = tokyo.getUTCHours() * 60 + tokyo.getUTCMinutes();
  const toMin = (hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number);
    return (h ?? 0) * 60 + (m ?? 0);
  };
  const today = hours[DAYS[tokyo.getUTCDay()]!];
  const yesterday = hours[DAYS[(tokyo.getUTCDay() + 6) % 7]!];
  if (today) {
    const [open, close] = [toMin(today.open), toMin(today.close)];
    if (close > open ? minute >= open && minute < close : minute >= open) return true;
  }
  // Yesterday's hours that ran past midnight.
  if (yesterday && toMin(yesterday.close) <= toMin(yesterday.open) && minute < toMin(yesterday.close)) return true;
  return false;
}

export interface ListLocationsQuery {
  near?: { lat: number; lng: number } | undefined;
  radiusKm?: number | undefined;
  kind?: 'store' | 'warehouse' | undefined;
  /** With near: only the nearest this many, chosen by the database (a chain of hundreds of stores). */
  limit?: number | undefined;
  /** With near and limit: these (active) ones too wherever they are, e.g. the member's マイストア. */
  also?: string[] | undefined;
}

/**
 * Every location (stores and warehouses, closed ones too), kept in memory: carts, checkout and the till ask
 * for them on every request, and a chain opens a store a month. Read again when any app copy writes the
 * table (its trigger, table-cache.ts); inside a transaction the callers read what they need themselves.
 * Frozen: every caller shares these objects.
 */
const everyLocation = tableCache('locations', async (db) => {
  const list = deepFreeze(await db.select().from(locations).orderBy(asc(locations.code)));
  return { list, byId: new Map(list.map((l) => [l.id, l])) };
});

/** Active locations, nearest first when `near` is given (then only those within radiusKm, and the nearest `limit`). */
export async function listLocations(db: Executor, q: ListLocationsQuery = {}): Promise<LocationWithDistance[]> {
  const nearest = q.near && q.limit !== undefined;
  const rows = nearest
    ? await db
        .select()
        .from(locations)
        .where(q.kind ? and(eq(locations.active, true), eq(locations.kind, q.kind)) : eq(locations.active, true))
        .orderBy(haversineSql(q.near!), asc(locations.code))
        .limit(q.limit!)
    : ((await everyLocation.outsideTransaction(db))?.list.filter((l) => l.active) ??
      (await db.select().from(locations).where(eq(locations.active, true)).orderBy(asc(locations.code))));
  const missing = nearest ? (q.also ?? []).filter((id) => !rows.some((r) => r.id === id)) : [];
  if (missing.length)
    rows.push(
      ...(await db
        .select()
        .from(locations)
        .where(and(eq(locations.active, true), inArray(locations.id, missing)))),
    );
  let items: LocationWithDistance[] = rows
    .filter((l) => !q.kind || l.kind === q.kind)
    .map((l) => ({ ...l, distanceKm: q.near ? distanceKm(q.near, l) : null }));
  if (q.near) {
    items = items
      .filter((l) => q.radiusKm === undefined || l.distanceKm! <= q.radiusKm)
      .sort((a, b) => a.distanceKm! - b.distanceKm!);
  }
  return items;
}

export async function getLocation(db: Executor, id: string): Promise<Location> {
  // Not kept (made by another app copy a moment ago, its event still on the way): read it.
  const row = (await everyLocation.outsideTransaction(db))?.byId.get(id);
  if (row) return row;
  const [read] = await db.select().from(locations).where(eq(locations.id, id));
  if (!read) throw new DomainError('locations.not_found', { locationId: id });
  return read;
}

/** Fails with locations.not_found naming the first unknown id. */
export async function assertLocationsExist(db: Executor, ids: string[]): Promise<Map<string, Location>> {
  const unique = [...new Set(ids)];
  const kept = await everyLocation.outsideTransaction(db);
  const found = new Map<string, Location>();
  for (const id of unique) {
    const l = kept?.byId.get(id);
    if (l) found.set(id, l);
  }
  const unknown = unique.filter((id) => !found.has(id));
  if (unknown.length)
    for (const r of await db.select().from(locations).where(inArray(locations.id, unknown))) found.set(r.id, r);
  const missing = unique.find((id) => !found.has(id));
  if (missing) throw new DomainError('locations.not_found', { locationId: missing });
  return found;
}

type Loose<T> = { [K in keyof T]?: T[K] | undefined };
export type LocationInput = Omit<typeof locations.$inferInsert, 'id' | 'createdAt' | 'active'>;

/** Leave out fields the caller did not send, so the column default (or the current value) stays. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Open a store or warehouse (owner/hq). The code is the short name on receipts and reports. */
export async function createLocation(db: Db, actor: Principal, input: Loose<LocationInput>): Promise<Location> {
  requireRole(actor, 'owner', 'hq');
  const id = newId('loc');
  try {
    await inTransaction(db, async (tx) => {
      await tx.insert(locations).values({ ...definedOnly(input), id } as typeof locations.$inferInsert);
      await recordAudit(tx, actor, {
        action: 'location.created',
        subjectType: 'location',
        subjectId: id,
        locationId: id,
        detail: { code: input.code, name: input.name },
      });
    });
  } catch (err) {
    if (sqlState(err) === '23505') throw new DomainError('locations.code_taken', { code: input.code });
    throw err;
  }
  tableChanged(db, 'locations'); // this copy's next request sees it at once (the others hear the table's trigger)
  return getLocation(db, id);
}

/**
 * What a store manager may change at her own store: how it runs day to day (hours, services, delivery
 * radius, pickup days, phone, nearest station, the services offered in the store). Its name, code, address, position and opening or closing
 * are head office's: they print on receipts and place the store on the shoppers' map.
 */
const MANAGER_FIELDS: ReadonlySet<string> = new Set([
  'phone',
  'nearestStation',
  'openingHours',
  'services',
  'pickupDays',
  'amenities',
]);

export type LocationChange = Loose<LocationInput> & { active?: boolean | undefined };

/**
 * Change a location's details, hours or services (owner and hq anywhere; a store manager her own store's
 * day-to-day settings); `active: false` closes it (its history stays). Each change is in the audit trail
 * with what each field was and became, in the same transaction.
 */
export async function updateLocation(db: Db, actor: Principal, id: string, change: LocationChange): Promise<Location> {
  const staff = requireRole(actor, 'owner', 'hq', 'store_manager');
  assertCanActAt(staff, id);
  const set = definedOnly(change);
  // One order everywhere (the shopper's list, the audit trail's before → after), each once.
  if (set.amenities) set.amenities = AMENITIES.filter((a) => set.amenities!.includes(a));
  const headOffice = Object.keys(set).filter((k) => !MANAGER_FIELDS.has(k));
  if (!isChainWide(staff) && headOffice.length)
    throw new DomainError('platform.forbidden', {
      reason: `店舗名・住所・店舗コードなど（${headOffice.join(', ')}）の変更は本部が行います。`,
      reasonEn: `Head office changes these: ${headOffice.join(', ')}.`,
    });
  try {
    const updated = await inTransaction(db, async (tx) => {
      const [before] = await tx.select().from(locations).where(eq(locations.id, id)).for('update');
      if (!before) throw new DomainError('locations.not_found', { locationId: id });
      if (!Object.keys(set).length) return before;
      const [after] = await tx.update(locations).set(set).where(eq(locations.id, id)).returning();
      const changes = changesBetween(before, set as Record<string, unknown>, ['openingHours', 'services']);
      if (Object.keys(changes).length)
        await recordAudit(tx, actor, {
          action: 'location.updated',
          subjectType: 'location',
          subjectId: id,
          locationId: id,
          detail: { changes },
        });
      return after!;
    });
    tableChanged(db, 'locations');
    return updated;
  } catch (err) {
    if (sqlState(err) === '23505') throw new DomainError('locations.code_taken', { code: change.code });
    throw err;
  }
}

export { AMENITIES, type Amenity, type OpeningHours, type LocationServices } from './schema.ts';
export {
  createStoreEvent,
  deleteStoreEvent,
  listStoreEvents,
  updateStoreEvent,
  EVENT_HORIZON_DAYS,
  type StoreEvent,
  type StoreEventInput,
} from './store-events.ts';
export {
  getBusiness,
  getBusinessLogo,
  isRegistrationNumber,
  setBusinessLogo,
  updateBusiness,
  type Business,
} from './business.ts';
export {
  getReceiptPrinter,
  isPrinterHost,
  receiptPrinterAt,
  setReceiptPrinter,
  type ReceiptPrinter,
  type ReceiptPrinterInput,
} from './receipt-printer.ts';
