import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { fileAnswer, idParam } from '../../platform/http/schemas.ts';
import { campaignResults, campaignResultsCsv } from './attribution.ts';
import { scheduleCampaign } from './schedule.ts';
import { segmentRules } from './segment-rules.ts';
import { triggerConfig } from './triggers/kinds.ts';
import {
  createCampaign,
  deleteCampaign,
  getCampaign,
  listCampaigns,
  sendCampaign,
  updateCampaign,
} from './campaigns.ts';
import { listFirings, setTriggerState } from './trigger-campaigns.ts';
import { listOfferChoices } from './offers.ts';
import { rfmGrid, rfmGridCsv } from './rfm-grid.ts';
import { rfmGroups } from './segment-rules.ts';
import {
  createSegment,
  deleteSegment,
  getSegment,
  listSegments,
  previewSegment,
  segmentCsv,
  updateSegment,
} from './segments.ts';

const hq = 'Owner or HQ.';
const scoped =
  "Owner or HQ; a store manager for her stores' own (scoped to her stores' members; another store's or head office's is 403).";
const storeScope = z
  .array(z.string().min(1).max(64))
  .max(50)
  .nullable()
  .describe("The stores whose members (by home store) it may reach; null: head office's, every member");

const segmentView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  rules: segmentRules,
  storeScope,
  createdAt: z.string(),
  updatedAt: z.string(),
});
const name = z.string().trim().min(1).max(100);
const description = z.string().max(1000);

/** A link a message opens: a path on this site, never another site (`//evil.example` is another site too). */
const link = z
  .string()
  .max(300)
  .regex(/^\/([^/\\\s]\S*)?$/, 'このサイト内のパス (/ で始まる) を指定してください');
const campaignFields = {
  name: z.string().trim().min(1).max(100),
  /** A segment campaign's audience … */
  segmentId: z.string().min(1).max(64).optional(),
  /** … or a trigger campaign's kind and settings (then no segment). */
  trigger: triggerConfig.optional(),
  title: z.string().trim().min(1).max(100),
  body: z.string().trim().min(1).max(1000),
  link: link.nullable().optional(),
  holdoutPercent: z.number().int().min(0).max(50).optional(),
  windowDays: z.number().int().min(1).max(60).optional(),
  offerCouponId: z
    .string()
    .min(1)
    .max(64)
    .nullable()
    .optional()
    .describe('The offer: a single-use coupon; each messaged member is issued one code to her account'),
  storeScope: storeScope
    .optional()
    .describe(
      "The stores whose members it may reach; a store manager's defaults to hers, head office's to every member. Fixed once created.",
    ),
};
const counts = z.record(z.string(), z.number());
const campaignView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['segment', 'trigger']),
  segmentId: z.string().nullable(),
  trigger: triggerConfig.nullable(),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  holdoutPercent: z.number().int(),
  windowDays: z.number().int(),
  offerCouponId: z.string().nullable(),
  storeScope,
  status: z.enum(['draft', 'sent', 'active', 'paused']),
  counts: counts.nullable(),
  service: z.boolean().describe('お知らせ（自動）: an order reminder, always on; words and hours editable'),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  activatedAt: z.string().nullable(),
  scheduledAt: z.string().nullable().describe('予約配信: when the draft will be sent'),
  scheduleError: z.string().nullable().describe('The problem code that stopped a scheduled sending'),
});
const campaignDetail = campaignView.extend({
  progress: z.object({
    inbox: z.object({ delivered: z.number().int(), read: z.number().int() }),
    channels: z.array(
      z.object({
        channel: z.string(),
        sent: z.number().int(),
        waiting: z.number().int(),
        failed: z.number().int(),
        clicked: z.number().int().describe('Members who followed the link from this channel (once each)'),
      }),
    ),
  }),
  offer: z.object({ issued: z.number().int(), redeemed: z.number().int() }).nullable(),
});

export const engagementRoutes =
  (db: Db, opts: { publicUrl?: string | undefined } = {}): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['segments'];
    app.get(
      '/api/segments',
      {
        schema: {
          tags,
          summary: 'Saved segments, last changed first',
          description: `${scoped} A store manager sees her stores' segments only.`,
          response: { 200: z.object({ items: z.array(segmentView) }) },
        },
      },
      async (req) => ({ items: await listSegments(db, req.principal) }),
    );
    app.post(
      '/api/segments',
      {
        schema: {
          tags,
          summary: 'Save a segment: a name and its rules',
          description: `${scoped} The rules are checked as for a preview; a store a rule names must exist. A store manager's segment is scoped to her stores.`,
          body: z.object({
            name,
            description: description.optional(),
            rules: segmentRules,
            storeScope: storeScope.optional(),
          }),
          response: { 201: segmentView },
        },
      },
      async (req, reply) => reply.code(201).send(await createSegment(db, req.principal, req.body)),
    );
    app.post(
      '/api/segments/preview',
      {
        schema: {
          tags,
          summary: 'How many members the rules hold now, and 20 of them',
          description: `${scoped} Evaluated afresh over every member's web, app and store history; a store manager's rules are ANDed with her stores' members, and her sample is empty (browsing members is head office's).`,
          body: z.object({ rules: segmentRules, storeScope: storeScope.optional() }),
          response: {
            200: z.object({
              count: z.number().int(),
              sample: z.array(
                z.object({
                  id: z.string(),
                  memberNumber: z.string(),
                  name: z.string().nullable(),
                  nameKana: z.string().nullable(),
                  tier: z.string(),
                }),
              ),
            }),
          },
        },
      },
      async (req) => previewSegment(db, req.principal, req.body.rules, { storeScope: req.body.storeScope }),
    );
    app.get(
      '/api/segments/rfm-grid',
      {
        schema: {
          tags,
          summary:
            'RFM分析: members on a 5 × 5 grid of recency × frequency scores, with their spend, and the named groups',
          description: `${scoped} The segments' own scores over the last 365 days: a cell's count is the preview of its \`rfm_score\` rule.`,
          querystring: z.object({
            store: z
              .string()
              .min(1)
              .max(64)
              .optional()
              .describe(
                "One of a store manager's stores (her stores' members when absent; every member for head office)",
              ),
          }),
          response: {
            200: z.object({
              buyers: z.number().int(),
              spend: z.number().int(),
              cells: z.array(
                z.object({
                  r: z.number().int(),
                  f: z.number().int(),
                  members: z.number().int(),
                  spend: z.number().int(),
                  monetary: z.number(),
                }),
              ),
              groups: z.array(
                z.object({
                  group: z.enum(rfmGroups).exclude(['none']),
                  members: z.number().int(),
                  spend: z.number().int(),
                }),
              ),
              cuts: z
                .object({
                  recency: z.array(z.string()),
                  frequency: z.array(z.number().int()),
                  monetary: z.array(z.number().int()),
                })
                .nullable(),
              asOf: z
                .string()
                .describe(
                  'When the figures were computed: now, or (many buyers) when the kept grid was, ≤ 10 minutes ago',
                ),
            }),
          },
        },
      },
      async (req) => rfmGrid(db, req.principal, { storeScope: req.query.store ? [req.query.store] : undefined }),
    );
    app.get(
      '/api/segments/rfm-grid/export.csv',
      {
        schema: {
          tags,
          summary: 'RFM分析 as CSV: the 25 cells and the named groups (counts and yen, no person); UTF-8 with BOM',
          description: scoped,
          querystring: z.object({ store: z.string().min(1).max(64).optional() }),
          response: { 200: fileAnswer('text/csv', 'The grid as CSV') },
        },
      },
      async (req, reply) => {
        const g = await rfmGrid(db, req.principal, { storeScope: req.query.store ? [req.query.store] : undefined });
        return reply
          .headers({
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': 'attachment; filename="rfm.csv"',
            'cache-control': 'no-store',
          })
          .send(rfmGridCsv(g));
      },
    );
    app.get(
      '/api/segments/:id',
      {
        schema: { tags, summary: 'One segment', description: scoped, params: idParam, response: { 200: segmentView } },
      },
      async (req) => getSegment(db, req.principal, req.params.id),
    );
    app.patch(
      '/api/segments/:id',
      {
        schema: {
          tags,
          summary: 'Rename a segment or change its rules (its store scope never changes)',
          description: scoped,
          params: idParam,
          body: z.object({
            name: name.optional(),
            description: description.optional(),
            rules: segmentRules.optional(),
          }),
          response: { 200: segmentView },
        },
      },
      async (req) => updateSegment(db, req.principal, req.params.id, req.body),
    );
    app.delete(
      '/api/segments/:id',
      {
        schema: {
          tags,
          summary: 'Delete a segment',
          description: scoped,
          params: idParam,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await deleteSegment(db, req.principal, req.params.id);
        return reply.code(204).send(null);
      },
    );
    // POST, like the customer exports: each export of members is in the audit trail.
    app.post(
      '/api/segments/:id/export.csv',
      {
        schema: {
          tags,
          summary: 'The segment’s members as CSV: member number, reading, channels she bought in (365 days)',
          description: `${hq} UTF-8 with BOM, CRLF. Recorded in the audit trail.`,
          params: idParam,
          response: { 200: fileAnswer('text/csv', 'The members as CSV') },
        },
      },
      async (req, reply) => {
        const { csv } = await segmentCsv(db, req.principal, req.params.id);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="segment-${req.params.id}.csv"`)
          .header('cache-control', 'no-store')
          .send(csv);
      },
    );

    const ctags = ['campaigns'];
    app.get(
      '/api/campaigns',
      {
        schema: {
          tags: ctags,
          summary: 'Campaigns, newest first, each with its store scope',
          description: `${scoped} A store manager sees her stores' campaigns only.`,
          response: { 200: z.object({ items: z.array(campaignView) }) },
        },
      },
      async (req) => ({ items: await listCampaigns(db, req.principal) }),
    );
    app.post(
      '/api/campaigns',
      {
        schema: {
          tags: ctags,
          summary: 'A campaign draft: a segment, the message, a holdout share, an optional offer',
          description: `${scoped} The link is a path on this site (/shop/…). Holdout 0–50 % (default 10). The offer must be an active single-use coupon (404 / 409 naming offerCouponId); a store's campaign's, one valid only at its stores' tills. Trigger campaigns are head office's.`,
          body: z.object(campaignFields),
          response: { 201: campaignView },
        },
      },
      async (req, reply) => reply.code(201).send(await createCampaign(db, req.principal, req.body)),
    );
    app.get(
      '/api/campaign-offers',
      {
        schema: {
          tags: ctags,
          summary: 'The coupons a campaign may carry as its offer now',
          description: `${scoped} Single-use coupons whose promotion is on and not ended; for a store manager only those valid at her stores' tills alone.`,
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  couponId: z.string(),
                  promotionId: z.string(),
                  promotionName: z.string(),
                  kind: z.enum(['percent_off', 'amount_off', 'buy_x_get_y', 'bundle_price']),
                  params: z.object({
                    percent: z.number().optional(),
                    amount: z.number().optional(),
                    buy: z.number().optional(),
                    get: z.number().optional(),
                    quantity: z.number().optional(),
                    price: z.number().optional(),
                  }),
                  locationIds: z.array(z.string()).describe('The stores whose tills take it; empty: everywhere'),
                }),
              ),
            }),
          },
        },
      },
      async (req) => ({ items: await listOfferChoices(db, req.principal) }),
    );
    app.get(
      '/api/campaigns/:id',
      {
        schema: {
          tags: ctags,
          summary: 'A campaign with how its messages fared so far',
          description: scoped,
          params: idParam,
          response: { 200: campaignDetail },
        },
      },
      async (req) => getCampaign(db, req.principal, req.params.id),
    );
    app.patch(
      '/api/campaigns/:id',
      {
        schema: {
          tags: ctags,
          summary: 'Change a draft (409 once sent)',
          description: scoped,
          params: idParam,
          body: z.object(campaignFields).omit({ storeScope: true }).partial(),
          response: { 200: campaignView },
        },
      },
      async (req) => updateCampaign(db, req.principal, req.params.id, req.body),
    );
    app.delete(
      '/api/campaigns/:id',
      {
        schema: {
          tags: ctags,
          summary: 'Delete a draft (409 once sent)',
          description: scoped,
          params: idParam,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await deleteCampaign(db, req.principal, req.params.id);
        return reply.code(204).send(null);
      },
    );
    app.post(
      '/api/campaigns/:id/send',
      {
        config: { idempotent: true },
        schema: {
          tags: ctags,
          summary: 'Send now, once: holdout drawn, frequency cap and consent applied, messages queued',
          description: `${scoped} Answers at once: the messages leave from the outbox after commit. 409 when already sent. The audience is held to the campaign's store scope. Audited.`,
          params: idParam,
          response: { 200: campaignView },
        },
      },
      async (req) => sendCampaign(db, req.principal, req.params.id, { publicUrl: opts.publicUrl }),
    );
    app.post(
      '/api/campaigns/:id/schedule',
      {
        schema: {
          tags: ctags,
          summary: '予約配信: send this draft at a set time (a minute to 90 days ahead)',
          description: `${scoped} The segment's members as they are then; 409 once sent. Audited.`,
          params: idParam,
          body: z.object({ at: z.iso.datetime({ offset: true }) }),
          response: { 200: campaignView },
        },
      },
      async (req) => scheduleCampaign(db, req.principal, req.params.id, new Date(req.body.at)),
    );
    app.delete(
      '/api/campaigns/:id/schedule',
      {
        schema: {
          tags: ctags,
          summary: 'Cancel a scheduled sending: the campaign stays a draft',
          description: `${scoped} 409 once sent. Audited.`,
          params: idParam,
          response: { 200: campaignView },
        },
      },
      async (req) => scheduleCampaign(db, req.principal, req.params.id, null),
    );
    app.post(
      '/api/campaigns/:id/activate',
      {
        schema: {
          tags: ctags,
          summary: 'Switch a trigger campaign on (配信中): it fires for members from now on',
          description: `${hq} 409 for a segment campaign. Again when already on: no change.`,
          params: idParam,
          response: { 200: campaignView },
        },
      },
      async (req) => setTriggerState(db, req.principal, req.params.id, 'active'),
    );
    app.post(
      '/api/campaigns/:id/pause',
      {
        schema: {
          tags: ctags,
          summary: 'Switch a trigger campaign off (停止中): it fires for nobody until switched on again',
          description: `${hq} 409 for a segment campaign.`,
          params: idParam,
          response: { 200: campaignView },
        },
      },
      async (req) => setTriggerState(db, req.principal, req.params.id, 'paused'),
    );
    app.get(
      '/api/campaigns/:id/firings',
      {
        schema: {
          tags: ctags,
          summary: 'A trigger campaign’s firings, newest first (100), and the totals per outcome',
          description: `${hq} 409 for a segment campaign.`,
          params: idParam,
          response: {
            200: z.object({
              totals: z.object({
                firings: z.number().int(),
                queued: z.number().int(),
                holdout: z.number().int(),
                capped: z.number().int(),
                service: z.number().int().describe('お知らせ（自動）: sent as an order notice'),
              }),
              items: z.array(
                z.object({
                  at: z.string(),
                  memberNumber: z.string().nullable(),
                  firing: z.number().int(),
                  status: z.enum(['queued', 'holdout', 'capped', 'service']),
                  detail: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).nullable(),
                }),
              ),
            }),
          },
        },
      },
      async (req) => listFirings(db, req.principal, req.params.id),
    );
    const group = z.object({
      members: z.number().int(),
      buyers: z.number().int(),
      conversion: z.number(),
      spend: z.number().int(),
      spendPerMember: z.number().int(),
    });
    const sales = z.object({ orders: z.number().int(), sales: z.number().int() });
    const uses = z.object({ count: z.number().int(), discount: z.number().int() });
    app.get(
      '/api/campaigns/:id/results',
      {
        schema: {
          tags: ctags,
          summary: 'Did it work: lift against the holdout, and the sales attributed to it (by channel, store, day)',
          description: `${scoped} Within the campaign's window from its sending; 409 before it was sent.`,
          params: idParam,
          response: {
            200: z.object({
              from: z.string(),
              until: z.string(),
              treated: group,
              holdout: group,
              lift: z
                .object({
                  conversion: z.number(),
                  conversionInterval: z.tuple([z.number(), z.number()]),
                  spendPerMember: z.number().int(),
                  spendPerMemberInterval: z.tuple([z.number().int(), z.number().int()]),
                })
                .nullable(),
              attributed: sales.extend({
                inStore: sales,
                byChannel: z.array(sales.extend({ channel: z.string() })),
                byStore: z.array(sales.extend({ locationId: z.string() })),
                daily: z.array(sales.extend({ date: z.string() })),
              }),
              visits: z
                .object({
                  count: z.number().int(),
                  members: z.number().int(),
                  byStore: z.array(z.object({ locationId: z.string(), count: z.number().int() })),
                })
                .describe(
                  'Store visits (member code scanned, check-in) attributed to it: one per member, store and day',
                ),
              redeemed: uses
                .extend({
                  byChannel: z.array(uses.extend({ channel: z.string() })),
                  byStore: z.array(uses.extend({ locationId: z.string() })),
                })
                .nullable()
                .describe('Uses of the codes the offer issued (cancelled orders’ given back); null without an offer'),
            }),
          },
        },
      },
      async (req) => campaignResults(db, req.principal, req.params.id),
    );
    app.get(
      '/api/campaigns/:id/results.csv',
      {
        schema: {
          tags: ctags,
          summary: 'The sales attributed to the campaign as CSV: one row per day, store and sale channel',
          description: `${scoped} 日付, 店舗, チャネル, 購入件数, 売上 (税込). UTF-8 with BOM, CRLF; 409 before it was sent.`,
          params: idParam,
          response: { 200: fileAnswer('text/csv', 'The results as CSV') },
        },
      },
      async (req, reply) => {
        // The campaign first: an id that names none is a 404 before it is ever put in a header.
        const csv = await campaignResultsCsv(db, req.principal, req.params.id);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="campaign-${req.params.id}.csv"`)
          .header('cache-control', 'no-store')
          .send(csv);
      },
    );
  };
