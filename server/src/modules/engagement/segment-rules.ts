import { z } from 'zod';
import { tiers } from '../customers/service.ts';

/**
 * A segment's rules: conditions over one customer's unified history (web, app, stores), all of which
 * (`match: 'all'`) or any of which (`match: 'any'`) she must meet. Each condition names its `field`; an
 * unknown field, a bad operator or an out-of-range value is a 400 naming the condition
 * (`rules.conditions.2.km`). The conditions compile to one SQL query (segment-sql.ts).
 */

const id = z.string().min(1).max(64);
const days = z.number().int().min(1).max(3650);
const count = z.number().int().min(0).max(1_000_000_000);

/** A number compared: at least, at most, or both (a range). */
const range = z
  .object({ min: count.optional(), max: count.optional() })
  .strict()
  .refine((r) => r.min !== undefined || r.max !== undefined, { message: 'min か max を指定してください' })
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, {
    message: 'min は max 以下にしてください',
  });

/**
 * RFM groups (RFM 分析) over the last 365 days, from the 1–5 scores (quintiles among members who bought):
 * 優良 champions R≥4 F≥4 M≥4 · 新規 new R≥4 F=1 · 離反懸念 at risk R≤2 F≥3 · 休眠 dormant R=1 · 一般 the rest;
 * 未購入 none bought nothing in the 365 days.
 */
export const rfmGroups = ['champions', 'new', 'at_risk', 'dormant', 'regular', 'none'] as const;
export type RfmGroup = (typeof rfmGroups)[number];

/** Web only, store only, used the app (bought there), or omni (bought in two channels or more). */
export const channelMixes = ['web_only', 'store_only', 'app', 'omni'] as const;

export const consentChannelsForRules = ['email', 'push', 'line', 'sms'] as const;

const products = z
  .object({
    productIds: z.array(id).max(200).optional(),
    categoryIds: z.array(id).max(50).optional(),
    days,
  })
  .strict()
  .refine((p) => (p.productIds?.length ?? 0) + (p.categoryIds?.length ?? 0) > 0, {
    message: '商品かカテゴリを1つ以上指定してください',
  });

export const condition = z.discriminatedUnion('field', [
  z.object({ field: z.literal('tier'), in: z.array(z.enum(tiers)).min(1) }).strict(),
  z.object({ field: z.literal('points'), range }).strict(),
  z.object({ field: z.literal('rfm_group'), in: z.array(z.enum(rfmGroups)).min(1) }).strict(),
  z
    .object({
      field: z.literal('rfm_score'),
      recency: z.array(z.number().int().min(1).max(5)).min(1).optional(),
      frequency: z.array(z.number().int().min(1).max(5)).min(1).optional(),
      monetary: z.array(z.number().int().min(1).max(5)).min(1).optional(),
    })
    .strict(),
  z.object({ field: z.literal('channel_mix'), in: z.array(z.enum(channelMixes)).min(1) }).strict(),
  z.object({ field: z.literal('days_since_purchase'), range }).strict(),
  z.object({ field: z.literal('days_since_visit'), range }).strict(),
  z.object({ field: z.literal('spend'), days, range }).strict(),
  z.object({ field: z.literal('bought'), products }).strict(),
  z.object({ field: z.literal('viewed'), products }).strict(),
  z.object({ field: z.literal('viewed_not_bought'), products }).strict(),
  z.object({ field: z.literal('near_store'), locationId: id, km: z.number().gt(0).max(100) }).strict(),
  z.object({ field: z.literal('consent'), channel: z.enum(consentChannelsForRules) }).strict(),
  z
    .object({ field: z.literal('birthday_month'), months: z.array(z.number().int().min(1).max(12)).min(1).max(12) })
    .strict(),
]);
export type Condition = z.infer<typeof condition>;

export const segmentRules = z
  .object({
    match: z.enum(['all', 'any']).default('all'),
    conditions: z.array(condition).max(20),
  })
  .strict();
export type SegmentRules = z.infer<typeof segmentRules>;
