import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { SegmentRules } from './segment-rules.ts';

/** A saved segment (セグメント): a named rule set, evaluated afresh whenever it is used. */
export const segments = pgTable(
  'segments',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    description: text().notNull().default(''),
    rules: jsonb().notNull().$type<SegmentRules>(),
    createdBy: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.updatedAt)],
);

export type CampaignStatus = 'draft' | 'sent';

/**
 * A campaign (キャンペーン配信): a message to a segment's members, with a holdout — a random share of the
 * audience deliberately not messaged, so what the message earned can be told from what would have happened.
 */
export const campaigns = pgTable('campaigns', {
  id: text().primaryKey(),
  name: text().notNull(),
  segmentId: text()
    .notNull()
    .references(() => segments.id),
  title: text().notNull(),
  body: text().notNull(),
  /** A path on this site the message opens (/shop/…), or none. */
  link: text(),
  holdoutPercent: integer().notNull().default(10),
  /** Sales within this many days of her message count towards the campaign (attribution). */
  windowDays: integer().notNull().default(7),
  /** The offer: a single-use coupon (promotions) of which each messaged member is issued one code. */
  offerCouponId: text(),
  status: text().$type<CampaignStatus>().notNull().default('draft'),
  /** At sending: audience, holdout, capped (frequency cap), queued, and the messages per channel. */
  counts: jsonb().$type<Record<string, number>>(),
  createdBy: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp({ withTimezone: true }),
  sentBy: text(),
});

export type RecipientStatus = 'queued' | 'holdout' | 'capped';

/** Who a campaign reached, or deliberately did not: one row per member per campaign. */
export const campaignRecipients = pgTable(
  'campaign_recipients',
  {
    campaignId: text().notNull(),
    customerId: text().notNull(),
    status: text().$type<RecipientStatus>().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.customerId] }),
    index().on(t.customerId, t.createdAt),
    // The frequency cap: who was messaged in the last days, read by time.
    index('campaign_recipients_cap_index')
      .on(t.createdAt, t.customerId)
      .where(sql`${t.status} = 'queued'`),
  ],
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
