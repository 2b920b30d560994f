import { sql } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { assertCanActAt, type Principal } from '../../platform/auth.ts';
import type { ClientEvent } from './schemas.ts';
import { staffOnlyTypes } from './types.ts';
import { TokenBuckets, type IngestLimits } from './rate-limit.ts';
import { assertLocationsExist } from '../locations/service.ts';
import { resolveCustomerIds } from './customers.ts';
import './problems.ts';

export const MAX_PAYLOAD_BYTES = 4096;
/** A phone's clock may run ahead; further than this and the event would sit atop the timeline for good. */
const FUTURE_TOLERANCE_MS = 24 * 3600_000;

/** Rows for one multi-row INSERT, column by column (each travels as one array parameter). */
interface Columns {
  id: string[];
  type: string[];
  occurredAt: string[];
  channel: string[];
  deviceId: Array<string | null>;
  customerId: Array<string | null>;
  locationId: Array<string | null>;
  source: string[];
  payload: string[];
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

/** The rate limits of one server (kept by the routes factory, so every app has its own). */
export class IngestLimiter {
  readonly perIp: TokenBuckets;
  readonly perSender: TokenBuckets;
  constructor(limits: IngestLimits) {
    this.perIp = new TokenBuckets(limits.perIp);
    this.perSender = new TokenBuckets(limits.perSender);
  }
}

const forbidden = (index: number, reason: string, reasonEn: string) =>
  new DomainError('platform.forbidden', {
    reason: `events[${index}]: ${reason}`,
    reasonEn: `events[${index}]: ${reasonEn}`,
    index,
  });

/**
 * Who may send what. Anonymous web/app clients speak only for a device; a signed-in customer only for
 * themself; staff only for a store they work in. Returns the customer id and source to store.
 */
function authorize(
  actor: Principal,
  e: ClientEvent,
  index: number,
): { customerId: string | null; deviceId: string | null; source: string } {
  if (actor.kind === 'staff') {
    if (e.channel !== 'store')
      throw forbidden(index, 'スタッフは店舗 (store) のイベントだけを送れます。', 'Staff send store events only.');
    assertCanActAt(actor, e.locationId!);
    return { customerId: e.customerId ?? null, deviceId: e.deviceId ?? null, source: actor.staffId };
  }
  if (e.channel !== 'web' && e.channel !== 'app')
    throw forbidden(
      index,
      `チャネル ${e.channel} のイベントはスタッフまたは連携システムだけが送れます。`,
      `Only staff or an integration send ${e.channel} events.`,
    );
  if (staffOnlyTypes.has(e.type))
    throw forbidden(index, `${e.type} は店舗だけが記録できます。`, `Only a store records ${e.type}.`);
  if (actor.kind === 'customer') {
    if (e.customerId !== undefined && e.customerId !== actor.customerId)
      throw forbidden(index, '他の会員のイベントは送れません。', 'You can send events for yourself only.');
    return { customerId: actor.customerId, deviceId: e.deviceId ?? actor.deviceId, source: 'customer' };
  }
  if (e.customerId !== undefined)
    throw forbidden(index, '会員IDを指定するにはログインが必要です。', 'Sign in to send events for a customer.');
  if (!e.deviceId) throw new DomainError('events.device_required', { index });
  return { customerId: null, deviceId: e.deviceId, source: 'device' };
}

/** Anonymous and customer senders are rate-limited per address and per device (or customer); staff are not. */
function throttle(actor: Principal, limiter: IngestLimiter, ip: string, deviceIds: Array<string | null>): void {
  if (actor.kind === 'staff') return;
  const costs = new Map<string, number>();
  if (actor.kind === 'customer') costs.set(`customer:${actor.customerId}`, deviceIds.length);
  else for (const d of deviceIds) costs.set(`device:${d}`, (costs.get(`device:${d}`) ?? 0) + 1);
  // Check every bucket before taking from any, so a refused batch costs nothing.
  let wait = limiter.perIp.waitSeconds(ip, deviceIds.length);
  for (const [key, cost] of costs) wait = Math.max(wait, limiter.perSender.waitSeconds(key, cost));
  if (wait > 0) throw new DomainError('events.rate_limited', { retryAfterSeconds: wait });
  limiter.perIp.take(ip, deviceIds.length);
  for (const [key, cost] of costs) limiter.perSender.take(key, cost);
}

/** Locations named by the batch must exist; a store event's customer is followed through merges. */
async function checkReferences(db: Db, actor: Principal, cols: Columns): Promise<void> {
  const locationIds = cols.locationId.filter((x): x is string => !!x);
  if (locationIds.length) await assertLocationsExist(db, locationIds);
  // A customer token's own id is known to be active; ids that staff name are checked.
  const given = actor.kind === 'staff' ? [...new Set(cols.customerId.filter((x): x is string => !!x))] : [];
  if (given.length) {
    const current = await resolveCustomerIds(db, given);
    cols.customerId = cols.customerId.map((id) => (id ? current.get(id)! : null));
  }
}

/**
 * Take a batch of client events: check who may send them, then insert them in one multi-row statement
 * where the event id is the idempotency key (a replayed batch adds nothing and counts as duplicates).
 * Events of a device that belongs to a customer get that customer at once (the same statement looks the
 * devices up); events of unknown devices wait for linkDevice() at sign-up or login.
 */
export async function ingestEvents(
  db: Db,
  actor: Principal,
  events: ClientEvent[],
  opts: { ip: string; limiter: IngestLimiter },
): Promise<IngestResult> {
  const cols: Columns = {
    id: [],
    type: [],
    occurredAt: [],
    channel: [],
    deviceId: [],
    customerId: [],
    locationId: [],
    source: [],
    payload: [],
  };
  const latest = Date.now() + FUTURE_TOLERANCE_MS;
  events.forEach((e, index) => {
    const who = authorize(actor, e, index);
    const payload = JSON.stringify(e.payload);
    const bytes = Buffer.byteLength(payload);
    if (bytes > MAX_PAYLOAD_BYTES)
      throw new DomainError('events.payload_too_large', { index, bytes, limitBytes: MAX_PAYLOAD_BYTES });
    const at = new Date(e.occurredAt);
    if (at.getTime() > latest) throw new DomainError('events.occurred_in_future', { index });
    cols.id.push(e.id);
    cols.type.push(e.type);
    cols.occurredAt.push(at.toISOString());
    cols.channel.push(e.channel);
    cols.deviceId.push(who.deviceId);
    cols.customerId.push(who.customerId);
    cols.locationId.push(e.locationId ?? null);
    cols.source.push(who.source);
    cols.payload.push(payload);
  });
  throttle(actor, opts.limiter, opts.ip, cols.deviceId);
  await checkReferences(db, actor, cols);
  const [row] = await query<{ n: number }>(db, insertStatement(cols));
  const accepted = Number(row?.n ?? 0);
  return { accepted, duplicates: events.length - accepted };
}

function insertStatement(c: Columns) {
  const arr = (values: Array<string | null>) => sql`${sql.param(values)}::text[]`;
  // Stitching happens here: the device's owner (if any) fills customer_id in the same statement.
  return sql`
    WITH input AS (
      SELECT * FROM unnest(${arr(c.id)}, ${arr(c.type)}, ${arr(c.occurredAt)}, ${arr(c.channel)}, ${arr(c.deviceId)},
                           ${arr(c.customerId)}, ${arr(c.locationId)}, ${arr(c.source)}, ${arr(c.payload)})
        AS t(id, type, occurred_at, channel, device_id, customer_id, location_id, source, payload)
    ), inserted AS (
      INSERT INTO customer_events (id, type, occurred_at, channel, device_id, customer_id, location_id, source, payload)
      SELECT i.id, i.type, i.occurred_at::timestamptz, i.channel, i.device_id, COALESCE(i.customer_id, d.customer_id), i.location_id, i.source, i.payload::jsonb
        FROM input i
        LEFT JOIN customer_identifiers d ON d.kind = 'device' AND d.value = i.device_id
      ON CONFLICT (id) DO NOTHING
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM inserted`;
}
