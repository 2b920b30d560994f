import type { Db } from '../../platform/db/connection.ts';
import type { Principal } from '../../platform/auth.ts';
import { placeForMember, type AisleDestination, type CheckoutDeps, type MemberOrder } from '../orders/service.ts';
import { assertActingFor, type ActingFor } from './acting-for.ts';

/**
 * 取り寄せ (endless aisle) from the card: the clerk who scanned her orders an item this store lacks, for
 * pickup here (paid at the counter when she collects it) or delivery to her home (her default address,
 * paid from her wallet). The order itself is the orders module's one
 * checkout (placeForMember: source by the shipping rules, stock reserved there, her member id on the
 * order); this adds who may ask for it — only for the member scanned here (assertActingFor).
 */
export async function orderForMember(
  db: Db,
  deps: CheckoutDeps,
  actor: Principal,
  input: ActingFor & { variantId: string; quantity: number; deliverTo?: AisleDestination | undefined },
): Promise<MemberOrder> {
  const staff = await assertActingFor(db, actor, input);
  return placeForMember(db, deps, staff, input);
}
