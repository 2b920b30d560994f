import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { variants } from '../catalog/schema.ts';
import { customers } from '../customers/schema.ts';
import { locations } from '../locations/schema.ts';
import type { SegmentRules } from './segment-rules.ts';
import type { TriggerConfig } from './triggers/kinds.ts';

/** A saved segment (セグメント): a named rule set, evaluated afresh whenever it is used. */
export const segments = pgTable(
  'segments',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    description: text().notNull().default(''),
    rules: jsonb().notNull().$type<SegmentRules>(),
    /**
     * The stores whose members (by home store) it may hold: null for head office's (every member); a store
     * manager's segment is her stores'. Always ANDed with the rules when it is evaluated (scope.ts).
     */
    storeScope: text().array(),
    createdBy: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.updatedAt)],
);

/** A segment campaign is a draft until sent once; a trigger campaign is a draft, then active or paused. */
export type CampaignStatus = 'draft' | 'sent' | 'active' | 'paused';
export type CampaignKind = 'segment' | 'trigger';

/**
 * A campaign (キャンペーン配信): a message to a segment's members, with a holdout — a random share of the
 * audience deliberately not messaged, so what the message earned can be told from what would have happened.
 */
export const campaigns = pgTable('campaigns', {
  id: text().primaryKey(),
  name: text().notNull(),
  /** 'segment': sent once to a segment; 'trigger': always on, fired per member by `trigger` (triggers/). */
  kind: text().$type<CampaignKind>().notNull().default('segment'),
  /** A segment campaign's audience; null for a trigger campaign. */
  segmentId: text().references(() => segments.id),
  /** A trigger campaign's kind and settings (triggers/kinds.ts); null for a segment campaign. */
  trigger: jsonb().$type<TriggerConfig>(),
  title: text().notNull(),
  body: text().notNull(),
  /** A path on this site the message opens (/shop/…), or none. */
  link: text(),
  holdoutPercent: integer().notNull().default(10),
  /** Sales within this many days of her message count towards the campaign (attribution). */
  windowDays: integer().notNull().default(7),
  /** The offer: a single-use coupon (promotions) of which each messaged member is issued one code. */
  offerCouponId: text(),
  /**
   * The stores whose members (by home store) it may reach: null for head office's; a store manager's
   * campaign is her stores'. Sending intersects it with the segment's own scope (scope.ts).
   */
  storeScope: text().array(),
  status: text().$type<CampaignStatus>().notNull().default('draft'),
  /** At sending: audience, holdout, capped (frequency cap), queued, and the messages per channel. */
  counts: jsonb().$type<Record<string, number>>(),
  createdBy: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp({ withTimezone: true }),
  sentBy: text(),
  /** A trigger campaign: first switched on (its results start here). */
  activatedAt: timestamp({ withTimezone: true }),
  /** A segment campaign to be sent at this time by the job `engagement.scheduled` (予約配信), and who set it. */
  scheduledAt: timestamp({ withTimezone: true }),
  scheduledBy: text(),
  /** Why the scheduled sending did not happen (the problem's code): the campaign is a draft again. */
  scheduleError: text(),
});

/**
 * 'queued' (messaged), 'holdout', 'capped' (the frequency cap); 'service' — a service reminder's firing
 * (お知らせ（自動）), sent as an order notice: outside the frequency cap (its partial index counts 'queued'
 * only) and outside attribution, which reads 'queued' and 'holdout'.
 */
export type RecipientStatus = 'queued' | 'holdout' | 'capped' | 'service';

/**
 * Who a campaign reached, or deliberately did not: one row per member per firing. A segment campaign fires
 * once (`firing` 0); a trigger campaign's n-th firing for her is `firing` n, numbered by trigger_states —
 * so the key itself refuses a second row for the same firing, whatever retries or app copies do.
 */
export const campaignRecipients = pgTable(
  'campaign_recipients',
  {
    campaignId: text().notNull(),
    customerId: text().notNull(),
    firing: integer().notNull().default(0),
    status: text().$type<RecipientStatus>().notNull(),
    /** A trigger firing's circumstances (the store and its distance, the cart), as the firings list shows them. */
    detail: jsonb().$type<Record<string, string | number | null>>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.customerId, t.firing] }),
    index().on(t.customerId, t.createdAt),
    index().on(t.campaignId, t.createdAt),
    // The frequency cap: who was messaged in the last days, read by time.
    index('campaign_recipients_cap_index')
      .on(t.createdAt, t.customerId)
      .where(sql`${t.status} = 'queued'`),
  ],
);

/**
 * A trigger campaign's state per member: how often it fired for her, when last, and on what occasion (the
 * cart touch it was about). Firing is one guarded upsert on this row — allowed only past the cooldown and
 * on a new occasion — so two app copies handling the same news at once fire once: the row lock decides.
 */
export const triggerStates = pgTable(
  'trigger_states',
  {
    campaignId: text()
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    customerId: text().notNull(),
    firings: integer().notNull(),
    lastFiredAt: timestamp({ withTimezone: true }).notNull(),
    /** What the last firing was about ('' when the trigger has no occasions: near a store). */
    occasion: text().notNull().default(''),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.customerId] })],
);

/**
 * A service trigger's occasions already fired (service-kinds.ts): one row per campaign and occasion
 * (the order and its stage, e.g. `ord_…:last_call`). Inserting it is the firing's claim — a member may have
 * several orders waiting at once, so the one `occasion` of trigger_states cannot tell them apart.
 */
export const triggerOccasions = pgTable(
  'trigger_occasions',
  {
    campaignId: text()
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    customerId: text().notNull(),
    occasion: text().notNull(),
    firedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.occasion] })],
);

/**
 * The RFM quintile cut points as last computed (rfm.ts): with many buyers they move slowly, and computing
 * them sorts every buyer three times, so a preview reuses recent ones.
 */
export const rfmCutPoints = pgTable('rfm_cut_points', {
  id: text().primaryKey(),
  buyers: integer().notNull(),
  cuts: jsonb().notNull().$type<{ r: string[]; f: number[]; m: number[] }>(),
  computedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * LINE webhook events already handled (line-webhook.ts), by LINE's `webhookEventId`: LINE redelivers an
 * event it thinks was missed, and a captured request could be sent again, so each is acted on once. Kept a
 * day (purged as new events arrive).
 */
export const lineWebhookEvents = pgTable(
  'line_webhook_events',
  {
    webhookEventId: text().primaryKey(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.receivedAt)],
);

/**
 * The stock lines last offered to a LINE user (line-chat.ts), numbered as the answer showed them, so
 * 「取り置き 2」 means what she saw. One row per LINE user, replaced by each stock answer, kept an hour.
 */
export const lineChatOffers = pgTable('line_chat_offers', {
  lineUserId: text().primaryKey(),
  offers: jsonb().notNull().$type<Array<{ variantId: string; locationId: string; label: string }>>(),
  offeredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * 再入荷のお知らせ: a member waits for a variant at a store (or, `locationId` null, at any store). The 再入荷
 * trigger (triggers/back-in-stock.ts) consumes a wish when it fires for it — `notifiedAt`, the campaign, the
 * outcome (queued, held out, capped) and the occasion (the inventory event it answered, whose budget of
 * units × factor it counts against). One waiting wish per member, variant and store.
 */
export const restockWishes = pgTable(
  'restock_wishes',
  {
    id: text().primaryKey(),
    customerId: text()
      .notNull()
      .references(() => customers.id),
    variantId: text()
      .notNull()
      .references(() => variants.id),
    /** The store she waits at; null: any store (she has no home store and shares no position). */
    locationId: text().references(() => locations.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    notifiedAt: timestamp({ withTimezone: true }),
    campaignId: text(),
    outcome: text().$type<RecipientStatus>(),
    /** The `stock.back_in_stock` event (its outbox id) that consumed the wish. */
    occasion: text(),
  },
  (t) => [
    uniqueIndex('restock_wishes_waiting')
      .on(t.customerId, t.variantId, sql`coalesce(${t.locationId}, '')`)
      .where(sql`${t.notifiedAt} IS NULL`),
    index('restock_wishes_waiting_by_variant')
      .on(t.variantId, t.locationId)
      .where(sql`${t.notifiedAt} IS NULL`),
    index().on(t.variantId, t.occasion),
    index().on(t.customerId),
    // 欠品・機会損失 counts a period's requests per item and store (restockRequestsSql).
    index().on(t.createdAt),
  ],
);

/**
 * RFM分析's grid as last computed (rfm-grid.ts), per home store × recency × frequency × named group: with
 * RFM_REUSE_FROM buyers or more, scoring every buyer takes seconds, so a grid at most
 * RFM_CUTS_MAX_AGE_MINUTES old is read instead (the job engagement.rfm_grid computes it every few minutes).
 */
export const rfmGridCells = pgTable(
  'rfm_grid_cells',
  {
    /** The members' home store, or '' for none. */
    homeLocationId: text().notNull(),
    r: integer().notNull(),
    f: integer().notNull(),
    grp: text().notNull(),
    members: integer().notNull(),
    spend: bigint({ mode: 'number' }).notNull(),
    /** The sum of their monetary scores. */
    mo: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.homeLocationId, t.r, t.f, t.grp] })],
);

/** When the kept grid was computed, over how many buyers, with which cut points. */
export const rfmGridState = pgTable('rfm_grid_state', {
  id: text().primaryKey(),
  buyers: integer().notNull(),
  cuts: jsonb().notNull().$type<{ r: string[]; f: number[]; m: number[] }>(),
  computedAt: timestamp({ withTimezone: true }).notNull(),
});
