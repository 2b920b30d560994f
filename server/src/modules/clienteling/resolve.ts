import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { assertCanActAt, requireCustomer, type Principal } from '../../platform/auth.ts';
import { getLocation } from '../locations/service.ts';
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
import { issuedCouponsOf, type IssuedCoupon } from '../promotions/service.ts';
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
  const [location, customer] = await Promise.all([
    getLocation(db, input.locationId),
    currentCustomer(db, found.customerId),
  ]);
  const fact = {
    type: 'member_scanned',
    customerId: customer.id,
    channel: 'store' as const,
    locationId: location.id,
    // Written by this module (a till cannot send a fact with this source), naming the clerk: the
    // store-context rule (events/context.ts) trusts only these scans.
    source: 'clienteling',
    payload: { method: found.method, staffId: staff.staffId },
  };
  let eventId: string;
  if (found.mac) {
    // The event id is the code's mac: the primary key lets exactly one resolve of a code through.
    eventId = `mcs_${found.mac}`;
    if (!(await recordFactOnce(db, eventId, fact))) throw new DomainError('member_code.already_used');
  } else {
    eventId = await recordFact(db, fact);
  }
  const [card, options, coupons] = await Promise.all([
    buildCard(db, customer, location.id, eventId, opts.suggest),
    presenceOptions(db, customer.id),
    issuedCouponsOf(db, customer.id),
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
