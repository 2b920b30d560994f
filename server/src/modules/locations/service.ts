import { asc, eq, inArray } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { sqlState } from '../../platform/db/tx.ts';
import { newId } from '../../platform/ids.ts';
import { requireRole, type Principal } from '../../platform/auth.ts';
import { DomainError } from '../../platform/errors.ts';
import { locations, type OpeningHours } from './schema.ts';
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
}

/** Active locations, nearest first when `near` is given (then only those within radiusKm). */
export async function listLocations(db: Executor, q: ListLocationsQuery = {}): Promise<LocationWithDistance[]> {
  const rows = await db.select().from(locations).where(eq(locations.active, true)).orderBy(asc(locations.code));
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
  const [row] = await db.select().from(locations).where(eq(locations.id, id));
  if (!row) throw new DomainError('locations.not_found', { locationId: id });
  return row;
}

/** Fails with locations.not_found naming the first unknown id. */
export async function assertLocationsExist(db: Executor, ids: string[]): Promise<Map<string, Location>> {
  const unique = [...new Set(ids)];
  const rows = unique.length ? await db.select().from(locations).where(inArray(locations.id, unique)) : [];
  const found = new Map(rows.map((r) => [r.id, r]));
  const missing = unique.find((id) => !found.has(id));
  if (missing) throw new DomainError('locations.not_found', { locationId: missing });
  return found;
}

type Loose<T> = { [K in keyof T]?: T[K] | undefined };
export type LocationInput = Omit<typeof locations.$inferInsert, 'id' | 'createdAt' | 'active'>;

/** Open a store or warehouse (owner/hq). The code is the short name on receipts and reports. */
/** Leave out fields the caller did not send, so the column default (or the current value) stays. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export async function createLocation(db: Db, actor: Principal, input: Loose<LocationInput>): Promise<Location> {
  requireRole(actor, 'owner', 'hq');
  const id = newId('loc');
  try {
    await db.insert(locations).values({ ...definedOnly(input), id } as typeof locations.$inferInsert);
  } catch (err) {
    if (sqlState(err) === '23505') throw new DomainError('locations.code_taken', { code: input.code });
    throw err;
  }
  return getLocation(db, id);
}

/** Change a location's details, hours or services; `active: false` closes it (its history stays). */
export async function updateLocation(
  db: Db,
  actor: Principal,
  id: string,
  change: Loose<LocationInput> & { active?: boolean | undefined },
): Promise<Location> {
  requireRole(actor, 'owner', 'hq');
  await getLocation(db, id);
  const set = definedOnly(change);
  if (Object.keys(set).length) {
    try {
      await db.update(locations).set(set).where(eq(locations.id, id));
    } catch (err) {
      if (sqlState(err) === '23505') throw new DomainError('locations.code_taken', { code: change.code });
      throw err;
    }
  }
  return getLocation(db, id);
}

export type { OpeningHours, LocationServices } from './schema.ts';
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
