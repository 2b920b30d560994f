import { and, eq, sql } from 'drizzle-orm';
import { query, type Db, type Tx } from '../../../platform/db/connection.ts';
import { inTransaction } from '../../../platform/db/tx.ts';
import { queueMarketing, sendServiceMessage, type ServiceMessage } from '../../notifications/service.ts';
import { campaigns, type RecipientStatus } from '../schema.ts';
import { FREQUENCY_CAP, lockCapForMember, quietUntil } from '../rules.ts';
import type { TriggerConfig } from './kinds.ts';
import { isServiceKind } from './service-kinds.ts';
import { assertIssuable, issueCoupons } from '../../promotions/service.ts';
import { DomainError } from '../../../platform/errors.ts';
import { COUPON_LIST_PATH, firingOfferKey } from '../offer-keys.ts';

/** An active trigger campaign, as a firing needs it. */
export interface TriggerCampaign<C extends TriggerConfig = TriggerConfig> {
  id: string;
  title: string;
  body: string;
  link: string | null;
  holdoutPercent: number;
  /** The offer: one code of this single-use coupon issued with each queued firing; null for none. */
  offerCouponId: string | null;
  trigger: C;
}

/** One member's firing of a trigger: what it is about and what goes into the message. */
export interface Firing {
  customerId: string;
  /** What the firing is about (a cart touch): the trigger fires again only on a new occasion. '' = none. */
  occasion?: string;
  /** Values for the message's {{variables}} (triggers/template.ts), inserted as plain text. */
  vars?: Record<string, string>;
  /** Replaces the campaign's title, body and link (the online reminder of an abandoned cart). */
  message?: { title?: string; body?: string; link?: string | null };
  /** Shown in the campaign's firings list (the store, its distance, the cart). */
  detail?: Record<string, string | number | null>;
  /**
   * The kind's own last word, inside the firing's transaction once her place (queued, holdout, capped) is
   * drawn: false takes the whole firing back (再入荷: the restock's budget is spent, or the wish was taken).
   */
  settle?: (tx: Tx, status: RecipientStatus) => Promise<boolean>;
  /** A service kind's firing: the order it is about (its page is the link) and the webhook integrations hear. */
  order?: Pick<ServiceMessage, 'order' | 'webhook'>;
}

/** Issue her one code of the trigger's offer for this firing; false when the coupon can no longer be issued. */
async function issueFiringOffer(
  tx: Tx,
  campaignId: string,
  couponId: string,
  firing: number,
  customerId: string,
  now: Date,
): Promise<boolean> {
  try {
    await assertIssuable(tx, couponId, 'offerCouponId', now);
  } catch (err) {
    if (err instanceof DomainError) return false;
    throw err;
  }
  await issueCoupons(tx, {
    couponId,
    issuedFor: firingOfferKey(campaignId, firing),
    members: sql`SELECT ${customerId}::text AS customer_id`,
  });
  return true;
}

/** Thrown inside a firing's transaction to take it back when `settle` says no. */
class Unsettled extends Error {}

export interface FireOptions {
  now?: Date;
  publicUrl?: string | undefined;
}

/** The active trigger campaigns of a kind (the registry's `kind`). */
export async function activeTriggers<K extends TriggerConfig['kind']>(
  db: Db,
  kind: K,
): Promise<Array<TriggerCampaign<Extract<TriggerConfig, { kind: K }>>>> {
  const rows = await db
    .select()
    .from(campaigns)
    .where(
      and(eq(campaigns.kind, 'trigger'), eq(campaigns.status, 'active'), sql`${campaigns.trigger}->>'kind' = ${kind}`),
    );
  return rows.map((c) => ({
    id: c.id,
    title: c.title,
    body: c.body,
    link: c.link,
    holdoutPercent: c.holdoutPercent,
    offerCouponId: c.offerCouponId,
    trigger: c.trigger as Extract<TriggerConfig, { kind: K }>,
  }));
}

/** {{name}} → its value, in one pass: a value is never read again as a template (a store called "{{x}}" stays so). */
export function fillTemplate(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{\s*([a-z]+)\s*\}\}/g, (whole, name: string) =>
    Object.hasOwn(vars, name) ? vars[name]!.replace(/[\u0000-\u001f\u007f]/g, ' ') : whole,
  );
}

/**
 * Fire a trigger for one member, under every sending rule, in one transaction:
 * 1. claim the firing — one guarded upsert on her trigger_states row, allowed only past the campaign's
 *    cooldown and on a new occasion; concurrent claims (retries, other app copies) wait on that row and
 *    all but one find the guard false. The claim numbers the firing, and (campaign, member, firing) is the
 *    recipients' primary key: a firing is written once, by construction;
 * 2. her place: held out (the campaign's stable md5 draw, as for a segment campaign), over the frequency
 *    cap (counted across every campaign under the cap locks, rules.ts: two triggers, or a trigger and a segment
 *    send, cannot both pass it),
 *    or queued — her inbox, e-mail and LINE with consent, LINE and push held through quiet hours, each
 *    keyed `campaign:<id>:<firing>:<channel>:<member>`.
 * A service kind (service-kinds.ts: a hold's deadline, a pickup waiting) is claimed per occasion instead —
 * the insert of (campaign, occasion) into trigger_occasions is the guard, as she may have several
 * orders at once — and is never held out or capped (status `service`, outside the cap and attribution); it
 * goes through notifications' order-notice path (`sendServiceMessage`: no marketing consent, the order's link).
 * Answers what happened, or null when the trigger is cooling down (or the campaign was paused meanwhile).
 */
export async function fireTrigger(
  db: Db,
  c: TriggerCampaign,
  f: Firing,
  opts: FireOptions = {},
): Promise<RecipientStatus | null> {
  const now = opts.now ?? new Date();
  const occasion = f.occasion ?? '';
  const service = isServiceKind(c.trigger.kind);
  if (service && (!occasion || !f.order)) throw new Error(`a ${c.trigger.kind} firing needs its order and occasion`);
  const cooldown = 'cooldownDays' in c.trigger ? c.trigger.cooldownDays : 0;
  // A storm of news about a member who is cooling down ends here, with one read and no transaction; the
  // guarded upsert below, not this read, is what makes a firing happen once.
  const [cooling] = await query<{ n: number }>(
    db,
    service
      ? sql`SELECT 1 AS n FROM trigger_occasions
             WHERE campaign_id = ${c.id} AND occasion = ${occasion}`
      : sql`SELECT 1 AS n FROM trigger_states
             WHERE campaign_id = ${c.id} AND customer_id = ${f.customerId}
               AND (last_fired_at > ${now}::timestamptz - make_interval(days => ${cooldown})
                    OR (${occasion} <> '' AND occasion = ${occasion}))`,
  );
  if (cooling) return null;
  return inTransaction(db, async (tx) => {
    // Still on? A pause waits for firings under way (FOR SHARE) and stops the ones after it.
    const [on] = await query<{ status: string }>(tx, sql`SELECT status FROM campaigns WHERE id = ${c.id} FOR SHARE`);
    if (on?.status !== 'active') return null;
    if (service) {
      // Once per occasion: a concurrent claim of the same one waits on the key and then finds it taken.
      const [claimed] = await query<{ n: number }>(
        tx,
        sql`INSERT INTO trigger_occasions (campaign_id, customer_id, occasion, fired_at)
            VALUES (${c.id}, ${f.customerId}, ${occasion}, ${now}) ON CONFLICT DO NOTHING RETURNING 1 AS n`,
      );
      if (!claimed) return null;
    }
    const [claim] = await query<{ firings: number }>(
      tx,
      service
        ? sql`INSERT INTO trigger_states (campaign_id, customer_id, firings, last_fired_at, occasion)
              VALUES (${c.id}, ${f.customerId}, 1, ${now}, ${occasion})
              ON CONFLICT (campaign_id, customer_id) DO UPDATE
                 SET firings = trigger_states.firings + 1, last_fired_at = excluded.last_fired_at, occasion = excluded.occasion
              RETURNING firings`
        : sql`INSERT INTO trigger_states (campaign_id, customer_id, firings, last_fired_at, occasion)
              VALUES (${c.id}, ${f.customerId}, 1, ${now}, ${occasion})
              ON CONFLICT (campaign_id, customer_id) DO UPDATE
                 SET firings = trigger_states.firings + 1, last_fired_at = excluded.last_fired_at, occasion = excluded.occasion
               WHERE trigger_states.last_fired_at <= excluded.last_fired_at - make_interval(days => ${cooldown})
                 AND (excluded.occasion = '' OR trigger_states.occasion <> excluded.occasion)
              RETURNING firings`,
    );
    if (!claim) return null;
    const firing = claim.firings;
    const vars = f.vars ?? {};
    const title = fillTemplate(f.message?.title ?? c.title, vars);
    const body = fillTemplate(f.message?.body ?? c.body, vars);
    if (service) {
      await tx.execute(
        sql`INSERT INTO campaign_recipients (campaign_id, customer_id, firing, status, detail, created_at)
            VALUES (${c.id}, ${f.customerId}, ${firing}, 'service', ${f.detail ? JSON.stringify(f.detail) : null}::jsonb, ${now})`,
      );
      const link = `/account/orders/${encodeURIComponent(f.order!.order.orderId)}`;
      await sendServiceMessage(tx, {
        customerId: f.customerId,
        kind: c.trigger.kind as ServiceMessage['kind'],
        key: `campaign:${c.id}:${firing}`,
        title,
        body,
        link,
        url: opts.publicUrl ? `${opts.publicUrl}${link}` : null,
        ...f.order!,
      });
      return 'service';
    }
    await lockCapForMember(tx, f.customerId);
    const [drawn] = await query<{ status: RecipientStatus }>(
      tx,
      sql`INSERT INTO campaign_recipients (campaign_id, customer_id, firing, status, detail, created_at)
          SELECT ${c.id}, ${f.customerId}, ${firing},
                 CASE WHEN (('x' || substr(md5(${c.id} || ${f.customerId}), 1, 8))::bit(32)::bigint % 100) < ${c.holdoutPercent}
                        THEN 'holdout'
                      WHEN (SELECT count(*) FROM campaign_recipients r
                             WHERE r.customer_id = ${f.customerId} AND r.status = 'queued'
                               AND r.created_at > ${now}::timestamptz - make_interval(days => ${FREQUENCY_CAP.days})) >= ${FREQUENCY_CAP.messages}
                        THEN 'capped'
                      ELSE 'queued' END,
                 ${f.detail ? JSON.stringify(f.detail) : null}::jsonb, ${now}
          RETURNING status`,
    );
    const status = drawn!.status;
    if (f.settle && !(await f.settle(tx, status))) throw new Unsettled();
    if (status !== 'queued') return status;
    // The offer: her own code, issued for this firing (an offer that has ended since sends the message alone).
    const offered = c.offerCouponId
      ? await issueFiringOffer(tx, c.id, c.offerCouponId, firing, f.customerId, now)
      : false;
    const link = f.message?.link !== undefined ? f.message.link : (c.link ?? (offered ? COUPON_LIST_PATH : null));
    await queueMarketing(tx, sql`SELECT ${f.customerId}::text AS customer_id`, {
      key: `campaign:${c.id}:${firing}`,
      title,
      body,
      link,
      url: link && opts.publicUrl ? `${opts.publicUrl}${link}` : null,
      pushHeldUntil: quietUntil(now),
    });
    return status;
  }).catch((err: unknown) => {
    if (err instanceof Unsettled) return null;
    throw err;
  });
}
