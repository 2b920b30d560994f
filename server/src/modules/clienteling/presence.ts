import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { assertCanActAt, type Principal } from '../../platform/auth.ts';
import { getLocation } from '../locations/service.ts';
import {
  hasPin,
  loadCustomer,
  provePresenceByCode,
  provePresenceByPin,
  sendPresenceCode,
  type MemberCodeKey,
  type Presence,
  type PresenceMethod,
} from '../customers/service.ts';
import { getRules } from '../loyalty/service.ts';

/**
 * The till asks the member to prove she is there before her wallet, points or a member coupon is spent:
 * which proofs the chain accepts (loyalty rules, `presence.methods`), and the PIN and e-mail code checks.
 * The member QR proves it by itself when it is resolved (resolve.ts).
 */
export interface PresenceOptions {
  methods: PresenceMethod[];
  /** She has set a PIN (so asking for one makes sense). */
  pinSet: boolean;
}

export async function presenceOptions(db: Db, customerId: string): Promise<PresenceOptions> {
  const [rules, pinSet] = await Promise.all([getRules(db), hasPin(db, customerId)]);
  return { methods: rules.presence.methods, pinSet };
}

async function assertAccepted(db: Db, method: PresenceMethod): Promise<void> {
  if (!(await getRules(db)).presence.methods.includes(method))
    throw new DomainError('clienteling.presence_method_off', { method });
}

export type PresenceProof = { pin: string } | { code: string };

/** Her PIN or the code she received, typed at the till of `locationId`: a presence token for this visit. */
export async function provePresence(
  db: Db,
  actor: Principal,
  key: MemberCodeKey,
  input: { locationId: string; customerId: string } & PresenceProof,
): Promise<Presence> {
  const staff = assertCanActAt(actor, input.locationId);
  await loadCustomer(db, input.customerId, { active: true });
  const scope = { customerId: input.customerId, locationId: input.locationId, staffId: staff.staffId };
  if ('pin' in input) {
    await assertAccepted(db, 'pin');
    return provePresenceByPin(db, key, scope, input.pin);
  }
  await assertAccepted(db, 'code');
  return provePresenceByCode(db, key, scope, input.code);
}

/** Send her a presence code by e-mail, from the till of `locationId`. */
export async function sendPresence(
  db: Db,
  actor: Principal,
  input: { locationId: string; customerId: string },
): Promise<{ sentTo: string; validMinutes: number }> {
  const staff = assertCanActAt(actor, input.locationId);
  await assertAccepted(db, 'code');
  const [location] = await Promise.all([
    getLocation(db, input.locationId),
    loadCustomer(db, input.customerId, { active: true }),
  ]);
  return sendPresenceCode(db, {
    customerId: input.customerId,
    locationId: input.locationId,
    staffId: staff.staffId,
    storeName: location.name,
  });
}
