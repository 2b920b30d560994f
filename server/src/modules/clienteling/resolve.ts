import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { prebuilt } from '../../platform/db/prepared.ts';
import { newId } from '../../platform/ids.ts';
import { DomainError } from '../../platform/errors.ts';
import { assertCanActAt, requireCustomer, type Principal } from '../../platform/auth.ts';
import {
  customerIdByIdentifier,
  type IdentifierKind,
  type IssuedCode,
  issueMemberCode,
  issuePresence,
  loadCustomer,
  type Presence,
  type MemberCodeKey,
  verifyMemberCode,
} from '../customers/service.ts';
import { recordFact, recordFactOnce } from '../events/service.ts';
import { RULES_SETTINGS_KEY, rulesOf } from '../loyalty/service.ts';
import type { IssuedCoupon } from '../promotions/service.ts';
import { buildCard, type CardCustomer, type ClientelingCard, type SuggestAtStore } from './card.ts';
import { presenceOptions, type PresenceOptions } from './presence.ts';
import './problems.ts';

/** How the clerk identified the member: the app's QR, or what is on a plastic card or in her head. */
export type MemberLookup = { code: string } | { cardNumber: string } | { phone: string } | { memberNumber: string };
export type ScanMethod = 'code' | 'card' | 'phone' | 'member_number';

export interface ResolvedCard extends ClientelingCard {
  scan: { eventId: string; method: ScanMethod; locationId: string; locationName: string; at: string };
  /** Her app's QR proves she is here: the presence token the sale sends to spend her value (else null). */
  presence: Presence | null;
  /** How else she can prove it (PIN, a code by e-mail), for the till to offer. */
  presenceOptions: PresenceOptions;
  /** Her issued coupons (クーポン) she can still use, for the till to apply; they spend her value like points. */
  coupons: IssuedCoupon[];
}

const MAX_MERGE_HOPS = 5;
const identifierKindJa: Partial<Record<IdentifierKind, string>> = {
  card: 'カード番号',
  phone: '電話番号',
  member_number: '会員番号',
};

/** The signed-in customer's current member code (for the app's 会員証 screen). */
export function memberCodeFor(actor: Principal, key: MemberCodeKey, now = Date.now()): IssuedCode {
  return issueMemberCode(key, requireCustomer(actor).customerId, now);
}

/** The customer a lookup names; a code is verified first (invalid, expired). */
async function identify(
  db: Db,
  key: MemberCodeKey,
  lookup: MemberLookup,
  now: number,
): Promise<{ customerId: string; method: ScanMethod; mac?: string }> {
  if ('code' in lookup) {
    const verified = verifyMemberCode(key, lookup.code, now);
    return { customerId: verified.customerId, method: 'code', mac: verified.mac };
  }
  const [kind, value, method]: [IdentifierKind, string, ScanMethod] =
    'cardNumber' in lookup
      ? ['card', lookup.cardNumber, 'card']
      : 'phone' in lookup
        ? ['phone', lookup.phone, 'phone']
        : ['member_number', lookup.memberNumber, 'member_number'];
  const customerId = await customerIdByIdentifier(db, kind, value);
  if (!customerId)
    throw new DomainError('clienteling.member_not_found', { kind, reasonKindJa: identifierKindJa[kind] });
  return { customerId, method };
}

/** Follow merges to the customer the id stands for now; a deleted one is customer.not_active. */
async function currentCustomer(db: Db, id: string): Promise<CardCustomer> {
  let current = id;
  let status: string = 'merged';
  for (let hop = 0; hop <= MAX_MERGE_HOPS; hop++) {
    const row = await loadCustomer(db, current);
    if (row.status === 'active') return row;
    status = row.status;
    if (row.status !== 'merged' || !row.mergedInto) break;
    current = row.mergedInto;
  }
  throw new DomainError('customer.not_active', { customerId: id, customerStatus: status });
}

/**
 * The scan in one round trip, built once: the store, the customer as she is (her card's fields, her
 * status, whether she has a PIN), the loyalty rules (which presence proofs count), and the scan on her
 * timeline — written only when she is active, and at most once per id (a code's mac). What getLocation,
 * loadCustomer, recordFact(Once), getRules and hasPin read and write in five statements.
 */
export const scanInOne = prebuilt<{
  locationId: string | null;
  locationName: string | null;
  customerId: string | null;
  memberNumber: string;
  name: string | null;
  nameKana: string | null;
  tier: CardCustomer['tier'];
  createdAt: string;
  status: string;
  pinSet: boolean;
  rules: string | null;
  inserted: string | null;
}>(
  sql`WITH loc AS (SELECT id, name FROM locations WHERE id = ${sql.placeholder('locationId')}),
      cus AS (SELECT id, member_number, name, name_kana, tier, created_at, status, pin_hash IS NOT NULL AS pin_set
                FROM customers WHERE id = ${sql.placeholder('customerId')}),
      ins AS (
        INSERT INTO customer_events (id, type, occurred_at, channel, customer_id, location_id, source, payload)
        SELECT ${sql.placeholder('eventId')}::text, 'member_scanned', ${sql.placeholder('occurredAt')}::timestamptz, 'store', cus.id, loc.id,
               'clienteling', ${sql.placeholder('payload')}::jsonb
          FROM cus, loc WHERE cus.status = 'active'
        ON CONFLICT (id) DO NOTHING
        RETURNING id)
      SELECT loc.id AS "locationId", loc.name AS "locationName", cus.id AS "customerId", cus.member_number AS "memberNumber",
             cus.name, cus.name_kana AS "nameKana", cus.tier, cus.created_at AS "createdAt", cus.status, cus.pin_set AS "pinSet",
             (SELECT value FROM settings WHERE key = ${RULES_SETTINGS_KEY}) AS rules, (SELECT id FROM ins) AS inserted
        FROM (SELECT 1) one LEFT JOIN loc ON true LEFT JOIN cus ON true`,
);

/**
 * A clerk at `locationId` scans a member: identify her, record the scan on her timeline (a code only
 * once — a second resolve of the same code is member_code.already_used), and hand back her card.
 */
export async function resolveMember(
  db: Db,
  actor: Principal,
  key: MemberCodeKey,
  input: MemberLookup & { locationId: string },
  opts: { suggest?: SuggestAtStore | undefined; now?: number } = {},
): Promise<ResolvedCard> {
  const now = opts.now ?? Date.now();
  const staff = assertCanActAt(actor, input.locationId);
  const found = await identify(db, key, input, now);
  // The event id of a code is the code's mac: the primary key lets exactly one resolve of a code through.
  let eventId = found.mac ? `mcs_${found.mac}` : newId('evt');
  const payload = { method: found.method, staffId: staff.staffId };
  const [row] = await scanInOne(db, {
    locationId: input.locationId,
    customerId: found.customerId,
    eventId,
    occurredAt: new Date().toISOString(),
    payload: JSON.stringify(payload),
  });
  if (!row?.locationId) throw new DomainError('locations.not_found', { locationId: input.locationId });
  if (!row.customerId) throw new DomainError('customer.not_found', { customerId: found.customerId });
  const location = { id: row.locationId, name: row.locationName! };
  let customer: CardCustomer;
  let optionsOf: Promise<PresenceOptions>;
  if (row.status === 'active') {
    if (!row.inserted) throw new DomainError('member_code.already_used');
    customer = {
      id: row.customerId,
      memberNumber: row.memberNumber,
      name: row.name,
      nameKana: row.nameKana,
      tier: row.tier,
      createdAt: new Date(row.createdAt),
    };
    optionsOf = Promise.resolve({ methods: rulesOf(row.rules).presence.methods, pinSet: row.pinSet });
  } else {
    // Merged (or deleted): follow the merges to whom the id stands for now, then record the scan on hers.
    customer = await currentCustomer(db, found.customerId);
    const fact = {
      type: 'member_scanned',
      customerId: customer.id,
      channel: 'store' as const,
      locationId: location.id,
      // Written by this module (a till cannot send a fact with this source), naming the clerk: the
      // store-context rule (events/context.ts) trusts only these scans.
      source: 'clienteling',
      payload,
    };
    if (found.mac) {
      if (!(await recordFactOnce(db, eventId, fact))) throw new DomainError('member_code.already_used');
    } else {
      eventId = await recordFact(db, fact);
    }
    optionsOf = presenceOptions(db, customer.id);
  }
  const [{ coupons, ...card }, options] = await Promise.all([
    buildCard(db, customer, location.id, eventId, opts.suggest),
    optionsOf,
  ]);
  const presence =
    found.mac && options.methods.includes('member_code')
      ? issuePresence(key, { customerId: customer.id, locationId: location.id, staffId: staff.staffId }, 'member_code')
      : null;
  return {
    presence,
    presenceOptions: options,
    coupons,
    ...card,
    scan: {
      eventId,
      method: found.method,
      locationId: location.id,
      locationName: location.name,
      at: new Date().toISOString(),
    },
  };
}
