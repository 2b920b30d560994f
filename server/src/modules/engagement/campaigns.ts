import { desc, eq, sql } from 'drizzle-orm';
import { query, type Db, type Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import type { Principal } from '../../platform/auth.ts';
import { recordAudit } from '../../platform/audit.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { marketingProgress, queueMarketing } from '../notifications/service.ts';
import { assertIssuable, issueCoupons, issuedCountsSql } from '../promotions/service.ts';
import { campaignRecipients, campaigns, segments, type CampaignKind, type CampaignStatus } from './schema.ts';
import { triggerVariables, type TriggerConfig } from './triggers/kinds.ts';
import { isServiceKind } from './triggers/service-kinds.ts';
import { compileSegment } from './segment-sql.ts';
import { FREQUENCY_CAP, lockCapForEveryone, quietUntil } from './rules.ts';
import { loadSegment } from './segments.ts';
import { assertCanSee, homeStoresOf, requireMarketer, scopeToRecord, visibleSql, type Marketer } from './scope.ts';
import './problems.ts';

export { FREQUENCY_CAP, quietUntil } from './rules.ts';

export interface CampaignInput {
  name: string;
  /** A segment campaign's audience (sent once); or … */
  segmentId?: string | null | undefined;
  /** … a trigger campaign's kind and settings (always on once activated). */
  trigger?: TriggerConfig | null | undefined;
  title: string;
  body: string;
  link?: string | null | undefined;
  holdoutPercent?: number | undefined;
  windowDays?: number | undefined;
  /** The offer: a single-use coupon of which each messaged member is issued one code; null for none. */
  offerCouponId?: string | null | undefined;
  /**
   * The stores whose members it may reach (by home store); recorded at creation and never changed. A store
   * manager's defaults to her stores; head office's to none (every member).
   */
  storeScope?: string[] | null | undefined;
}

export { COUPON_LIST_PATH, offerKey } from './offer-keys.ts';
import { COUPON_LIST_PATH, offerKey } from './offer-keys.ts';

type Row = typeof campaigns.$inferSelect;

export interface CampaignView {
  id: string;
  name: string;
  kind: CampaignKind;
  segmentId: string | null;
  trigger: TriggerConfig | null;
  title: string;
  body: string;
  link: string | null;
  holdoutPercent: number;
  windowDays: number;
  offerCouponId: string | null;
  /** The stores whose members it may reach (「渋谷店の会員」); null: head office's, every member. */
  storeScope: string[] | null;
  status: CampaignStatus;
  counts: Record<string, number> | null;
  createdAt: string;
  sentAt: string | null;
  activatedAt: string | null;
  /** A service reminder (お知らせ（自動）): always on; HQ edits its words and hours, nothing else. */
  service: boolean;
  /** 予約配信: when it will be sent (a draft), and why a scheduled sending did not happen. */
  scheduledAt: string | null;
  scheduleError: string | null;
}

export const view = (c: Row): CampaignView => ({
  id: c.id,
  name: c.name,
  kind: c.kind,
  segmentId: c.segmentId,
  trigger: c.trigger ?? null,
  title: c.title,
  body: c.body,
  link: c.link,
  holdoutPercent: c.holdoutPercent,
  windowDays: c.windowDays,
  offerCouponId: c.offerCouponId,
  storeScope: c.storeScope ?? null,
  status: c.status,
  counts: c.counts ?? null,
  createdAt: c.createdAt.toISOString(),
  sentAt: c.sentAt?.toISOString() ?? null,
  activatedAt: c.activatedAt?.toISOString() ?? null,
  service: isServiceKind(c.trigger?.kind),
  scheduledAt: c.scheduledAt?.toISOString() ?? null,
  scheduleError: c.scheduleError ?? null,
});

export const invalid = (field: string, message: string) =>
  new DomainError('platform.validation', {}, [{ field, message }]);

/**
 * A campaign is for a segment or a trigger, never both; a trigger's message may use only its kind's
 * {{variables}} (an unknown one would reach her as written).
 */
function assertAudience(kind: CampaignKind, input: Partial<CampaignInput>, current?: Row) {
  if (kind === 'segment') {
    if (input.trigger) throw invalid('trigger', 'セグメント配信にトリガーは設定できません');
    return;
  }
  if (input.segmentId) throw invalid('segmentId', 'トリガー配信にセグメントは設定できません');
  const trigger = input.trigger ?? current?.trigger;
  // A trigger's offer is issued per firing (offer-keys.ts); お知らせ（自動） are about an order, never an offer.
  if (input.offerCouponId && trigger && isServiceKind(trigger.kind))
    throw invalid('offerCouponId', 'お知らせ（自動）にはクーポンを付けられません');
  if (current?.trigger && input.trigger && input.trigger.kind !== current.trigger.kind)
    throw invalid('trigger.kind', 'トリガーの種類は変更できません。新しく作成してください');
  if (!trigger) return;
  // お知らせ（自動）: one of each, made by the migration; a service message is never held out and opens her order.
  if (isServiceKind(trigger.kind)) {
    if (!current) throw invalid('trigger.kind', 'お知らせ（自動）は新しく作成できません。既存のものを編集してください');
    if (input.holdoutPercent !== undefined && input.holdoutPercent !== 0)
      throw invalid('holdoutPercent', 'お知らせ（自動）には効果測定用の対象外を設定できません（0 %）');
    if (input.link !== undefined && input.link !== null)
      throw invalid('link', 'お知らせ（自動）のリンク先はご注文のページです。変更できません');
  }
  const allowed = triggerVariables(trigger.kind);
  const texts: Array<[string, string | undefined]> = [
    ['title', input.title ?? current?.title],
    ['body', input.body ?? current?.body],
  ];
  if (trigger.kind === 'cart_abandoned')
    texts.push(['trigger.onlineTitle', trigger.onlineTitle], ['trigger.onlineBody', trigger.onlineBody]);
  for (const [field, text] of texts) {
    const unknown = [...(text ?? '').matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)]
      .map((m) => m[1]!)
      .find((v) => !allowed.includes(v));
    if (unknown !== undefined)
      throw invalid(
        field,
        `使えない差し込み項目です: {{${unknown}}}（使えるもの: ${allowed.map((v) => `{{${v}}}`).join(' ') || 'なし'}）`,
      );
  }
}

/** A campaign's row (locked with forUpdate), or 404. */
export async function load(db: Executor, id: string, forUpdate = false): Promise<Row> {
  const q = db.select().from(campaigns).where(eq(campaigns.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  if (!row) throw new DomainError('engagement.campaign_not_found', { id });
  return row;
}

/** A campaign's row if she may see it: 404 when there is none, 403 when it is another store's or head office's. */
export async function loadVisible(db: Executor, m: Marketer, id: string, forUpdate = false): Promise<Row> {
  const row = await load(db, id, forUpdate);
  assertCanSee(m, row.storeScope, 'campaign');
  return row;
}

/**
 * The offer a campaign may carry: an issuable single-use coupon (promotions' `assertIssuable`) and, for a
 * store's campaign, one whose promotion is valid only at that store's tills — the store gives its own
 * discount, never head office's chain-wide or online one (409 `coupon.not_issuable`, reason `not_at_store`).
 */
export async function assertOffer(
  db: Executor,
  couponId: string,
  storeScope: readonly string[] | null,
  now = new Date(),
): Promise<void> {
  await assertIssuable(db, couponId, 'offerCouponId', now, storeScope ? { atStores: storeScope } : {});
}

export async function listCampaigns(db: Executor, actor: Principal): Promise<CampaignView[]> {
  const m = requireMarketer(actor);
  return (
    await db
      .select()
      .from(campaigns)
      .where(visibleSql(m, campaigns.storeScope))
      .orderBy(desc(campaigns.createdAt), campaigns.id)
  ).map(view);
}

export async function createCampaign(db: Db, actor: Principal, input: CampaignInput): Promise<CampaignView> {
  const m = requireMarketer(actor);
  const staff = m.staff;
  const kind: CampaignKind = input.trigger ? 'trigger' : 'segment';
  // Trigger campaigns (always on, across the chain) stay head office's.
  if (kind === 'trigger' && m.stores)
    throw new DomainError('platform.forbidden', {
      reason: '常時配信（トリガー）は本部のみ作成できます。',
      reasonEn: 'Only head office makes trigger campaigns.',
    });
  assertAudience(kind, input);
  const storeScope = await scopeToRecord(db, m, input.storeScope);
  if (kind === 'segment') {
    if (!input.segmentId) throw invalid('segmentId', 'セグメントかトリガーを指定してください');
    await loadSegment(db, m, input.segmentId);
  }
  if (input.offerCouponId) await assertOffer(db, input.offerCouponId, storeScope);
  const [row] = await db
    .insert(campaigns)
    .values({
      id: newId('cmp'),
      name: input.name,
      kind,
      segmentId: input.segmentId ?? null,
      trigger: input.trigger ?? null,
      title: input.title,
      body: input.body,
      link: input.link ?? null,
      holdoutPercent: input.holdoutPercent ?? 10,
      windowDays: input.windowDays ?? 7,
      offerCouponId: input.offerCouponId ?? null,
      storeScope,
      createdBy: staff.staffId,
    })
    .returning();
  return view(row!);
}

export async function updateCampaign(
  db: Db,
  actor: Principal,
  id: string,
  patch: Partial<CampaignInput>,
): Promise<CampaignView> {
  const m = requireMarketer(actor);
  return inTransaction(db, async (tx) => {
    const current = await loadVisible(tx, m, id, true);
    // A trigger is changed while it is off (a draft or paused); a segment campaign until it is sent.
    if (current.status === 'sent') throw new DomainError('engagement.campaign_sent', { id });
    // A service reminder is always on: its words and hours change while it runs (firings under way finish first).
    if (current.status === 'active' && !isServiceKind(current.trigger?.kind))
      throw new DomainError('engagement.trigger_active', { id });
    assertAudience(current.kind, patch, current);
    if (patch.segmentId) await loadSegment(tx, m, patch.segmentId);
    if (patch.offerCouponId) await assertOffer(tx, patch.offerCouponId, current.storeScope);
    const [row] = await tx
      .update(campaigns)
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.segmentId ? { segmentId: patch.segmentId } : {}),
        ...(patch.trigger ? { trigger: patch.trigger } : {}),
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.body !== undefined ? { body: patch.body } : {}),
        ...(patch.link !== undefined ? { link: patch.link } : {}),
        ...(patch.holdoutPercent !== undefined ? { holdoutPercent: patch.holdoutPercent } : {}),
        ...(patch.windowDays !== undefined ? { windowDays: patch.windowDays } : {}),
        ...(patch.offerCouponId !== undefined ? { offerCouponId: patch.offerCouponId } : {}),
        updatedAt: new Date(),
      })
      .where(eq(campaigns.id, id))
      .returning();
    return view(row!);
  });
}

export async function deleteCampaign(db: Db, actor: Principal, id: string): Promise<void> {
  const m = requireMarketer(actor);
  await inTransaction(db, async (tx) => {
    const current = await loadVisible(tx, m, id, true);
    if (isServiceKind(current.trigger?.kind)) throw new DomainError('engagement.service_trigger', { id });
    if (current.status !== 'draft') throw new DomainError('engagement.campaign_sent', { id });
    await tx.delete(campaigns).where(eq(campaigns.id, id));
  });
}

/**
 * Send a campaign now, once. In one short transaction: the segment's members as they are now, each put
 * in the holdout (a stable draw of `holdoutPercent` %: not messaged, measured), over the frequency cap
 * (not messaged), or queued; then her inbox notice and her e-mail and LINE messages where she agreed,
 * LINE held until 08:00 during quiet hours. With an offer, each queued member is issued one code of its
 * single-use coupon to her account in the same transaction (set-wise; the holdout and the capped get
 * none), and a message without a link of its own opens her coupon list.
 * The outbox sends after commit: no partner is waited for here.
 * A second send is refused (409); a retry of the same request changes nothing. The audience is held to the
 * campaign's store scope and its segment's (their intersection), whoever sends it. In the audit trail.
 */
export async function sendCampaign(
  db: Db,
  actor: Principal,
  id: string,
  opts: { publicUrl?: string | undefined; now?: Date } = {},
): Promise<CampaignView> {
  const m = requireMarketer(actor);
  const staff = m.staff;
  const now = opts.now ?? new Date();
  return inTransaction(db, async (tx) => {
    const c = await loadVisible(tx, m, id, true);
    if (c.kind === 'trigger' || !c.segmentId) throw new DomainError('engagement.campaign_is_trigger', { id });
    if (c.status !== 'draft') throw new DomainError('engagement.campaign_sent', { id });
    const [segment] = await tx.select().from(segments).where(eq(segments.id, c.segmentId));
    if (!segment) throw new DomainError('engagement.segment_not_found', { id: c.segmentId });
    // The offer may have ended or been switched off since the draft was saved: refused before anything is written.
    if (c.offerCouponId) await assertOffer(tx, c.offerCouponId, c.storeScope, now);
    const homeStores = homeStoresOf(c.storeScope, segment.storeScope);
    const members = await compileSegment(tx, segment.rules, homeStores ? { homeStores } : {});
    // Before the count below: what triggers committed meanwhile is counted, and none commits until this does.
    await lockCapForEveryone(tx);
    const [drawn] = await query<{ audience: number; holdout: number; capped: number }>(
      tx,
      // Who is at the cap is found once, from the last days' sends (campaign_recipients_cap_index), and hashed:
      // a count per member would read the table as this very statement appends to it (quadratic; 145 s for
      // 150 k members).
      sql`WITH m AS (${members}),
          at_cap AS MATERIALIZED (
            SELECT customer_id FROM campaign_recipients
             WHERE status = 'queued' AND created_at > ${now}::timestamptz - make_interval(days => ${FREQUENCY_CAP.days})
             GROUP BY customer_id HAVING count(*) >= ${FREQUENCY_CAP.messages}),
          drawn AS (
            SELECT m.customer_id,
                   (('x' || substr(md5(${id} || m.customer_id), 1, 8))::bit(32)::bigint % 100) < ${c.holdoutPercent} AS holdout,
                   at_cap.customer_id IS NOT NULL AS capped
              FROM m LEFT JOIN at_cap ON at_cap.customer_id = m.customer_id),
          written AS (
            INSERT INTO campaign_recipients (campaign_id, customer_id, status, created_at)
            SELECT ${id}, customer_id, CASE WHEN holdout THEN 'holdout' WHEN capped THEN 'capped' ELSE 'queued' END, ${now}
              FROM drawn
            ON CONFLICT DO NOTHING RETURNING status)
          SELECT count(*)::int AS audience, count(*) FILTER (WHERE status = 'holdout')::int AS holdout,
                 count(*) FILTER (WHERE status = 'capped')::int AS capped FROM written`,
    );
    const messaged = sql`SELECT customer_id FROM campaign_recipients WHERE campaign_id = ${id} AND status = 'queued'`;
    const issued = c.offerCouponId
      ? await issueCoupons(tx, { couponId: c.offerCouponId, issuedFor: offerKey(id), members: messaged })
      : null;
    const link = c.link ?? (c.offerCouponId ? COUPON_LIST_PATH : null);
    const queued = await queueMarketing(tx, messaged, {
      key: `campaign:${id}`,
      title: c.title,
      body: c.body,
      link,
      url: link && opts.publicUrl ? `${opts.publicUrl}${link}` : null,
      pushHeldUntil: quietUntil(now),
    });
    const counts = {
      audience: drawn?.audience ?? 0,
      holdout: drawn?.holdout ?? 0,
      capped: drawn?.capped ?? 0,
      queued: (drawn?.audience ?? 0) - (drawn?.holdout ?? 0) - (drawn?.capped ?? 0),
      inbox: queued.inbox,
      email: queued.email,
      line: queued.line,
      push: queued.push,
      ...(issued !== null ? { issued } : {}),
    };
    const [row] = await tx
      .update(campaigns)
      .set({ status: 'sent', sentAt: now, sentBy: staff.staffId, counts, updatedAt: now })
      .where(eq(campaigns.id, id))
      .returning();
    await recordAudit(tx, staff, {
      action: 'campaign.sent',
      subjectType: 'campaign',
      subjectId: id,
      detail: { ...counts, ...(c.storeScope ? { storeScope: c.storeScope } : {}) },
    });
    return view(row!);
  });
}

/**
 * A campaign with how its messages fared so far (sent, waiting, failed per channel; inbox read) and, with
 * an offer, how many codes were issued and how many of them are used now.
 */
export async function getCampaign(db: Executor, actor: Principal, id: string) {
  const c = view(await loadVisible(db, requireMarketer(actor), id));
  const [offer] = c.offerCouponId
    ? await query<{ issued: number; redeemed: number }>(
        db,
        issuedCountsSql(offerKey(id), { perFiring: c.kind === 'trigger' }),
      )
    : [];
  return {
    ...c,
    // A trigger's messages are keyed per firing (campaign:<id>:<firing>:…): the pattern takes them all.
    progress: await marketingProgress(db, c.kind === 'trigger' ? `campaign:${id}:%` : `campaign:${id}`),
    offer: offer ? { issued: offer.issued, redeemed: offer.redeemed } : null,
  };
}
