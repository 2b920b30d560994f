import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { auditActor, requireStaff, type Principal } from '../../platform/auth.ts';
import {
  consentChannels,
  consentHistory,
  consentPurposes,
  customerConsents,
  type ConsentChannel,
  type ConsentPurpose,
} from './schema.ts';
import { loadCustomer } from './service.ts';
import { forgetPosition } from './positions.ts';
import { assertCustomerInContext } from '../events/service.ts';

export interface ConsentItem {
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  granted: boolean;
  updatedAt: string | null;
}

export interface ConsentChange {
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  granted: boolean;
}

/** The customer themself, or staff who have her in front of them (events/context.ts; head office always). */
async function assertMayManage(db: Executor, actor: Principal, customerId: string): Promise<void> {
  if (actor.kind === 'customer' && actor.customerId === customerId) return;
  await assertCustomerInContext(db, actor, customerId);
}

/** Every channel × purpose, not-given where nothing was recorded (opt-in by default). */
export async function consentsOf(db: Executor, customerId: string) {
  const rows = await db.select().from(customerConsents).where(eq(customerConsents.customerId, customerId));
  const items: ConsentItem[] = consentChannels.flatMap((channel) =>
    // 位置情報 has one use (offers from stores nearby), so one switch: location × marketing.
    consentPurposes
      .filter((purpose) => channel !== 'location' || purpose === 'marketing')
      .map((purpose) => {
        const row = rows.find((r) => r.channel === channel && r.purpose === purpose);
        return { channel, purpose, granted: row?.granted ?? false, updatedAt: row?.updatedAt.toISOString() ?? null };
      }),
  );
  const history = await db
    .select()
    .from(consentHistory)
    .where(eq(consentHistory.customerId, customerId))
    .orderBy(desc(consentHistory.at), desc(consentHistory.id))
    .limit(200);
  return {
    items,
    history: history.map((h) => ({
      channel: h.channel,
      purpose: h.purpose,
      granted: h.granted,
      actor: h.actor,
      source: h.source,
      at: h.at.toISOString(),
    })),
  };
}

export async function getConsents(db: Db, actor: Principal, customerId: string) {
  await assertMayManage(db, actor, customerId);
  await loadCustomer(db, customerId);
  return consentsOf(db, customerId);
}

/** Record consent changes; only real changes are written to the history, with who and through what. */
export async function setConsents(
  db: Db,
  actor: Principal,
  customerId: string,
  changes: ConsentChange[],
  source: string,
) {
  await assertMayManage(db, actor, customerId);
  return inTransaction(db, async (tx) => {
    await loadCustomer(tx, customerId, { active: true, forUpdate: true });
    await recordConsents(tx, customerId, changes, auditActor(actor), source);
    return consentsOf(tx, customerId);
  });
}

/**
 * Write consent changes in the caller's transaction, for a caller that has already established who she is
 * (her push subscription, an unsubscribe link signed for her): only real changes reach the history.
 */
export async function recordConsents(
  tx: Executor,
  customerId: string,
  changes: ConsentChange[],
  actor: string,
  source: string,
): Promise<number> {
  let changed = 0;
  for (const c of changes) {
    const [current] = await tx
      .select()
      .from(customerConsents)
      .where(
        and(
          eq(customerConsents.customerId, customerId),
          eq(customerConsents.channel, c.channel),
          eq(customerConsents.purpose, c.purpose),
        ),
      );
    if ((current?.granted ?? false) === c.granted && current) continue;
    if (!current && !c.granted) continue;
    await tx
      .insert(customerConsents)
      .values({ customerId, channel: c.channel, purpose: c.purpose, granted: c.granted })
      .onConflictDoUpdate({
        target: [customerConsents.customerId, customerConsents.channel, customerConsents.purpose],
        set: { granted: c.granted, updatedAt: sql`now()` },
      });
    // Withdrawing location forgets where she was, at once (docs/customers.md).
    if (c.channel === 'location' && c.purpose === 'marketing' && !c.granted) await forgetPosition(tx, [customerId]);
    await tx.insert(consentHistory).values({
      customerId,
      channel: c.channel,
      purpose: c.purpose,
      granted: c.granted,
      actor,
      source,
    });
    changed++;
  }
  return changed;
}

/** Whether a customer may be contacted on a channel for a purpose (for campaigns and notifications). */
export async function hasConsent(
  db: Executor,
  customerId: string,
  channel: ConsentChannel,
  purpose: ConsentPurpose,
): Promise<boolean> {
  const [row] = await db
    .select({ granted: customerConsents.granted })
    .from(customerConsents)
    .where(
      and(
        eq(customerConsents.customerId, customerId),
        eq(customerConsents.channel, channel),
        eq(customerConsents.purpose, purpose),
      ),
    );
  return row?.granted ?? false;
}
