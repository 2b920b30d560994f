import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { toCsv } from '../../platform/csv.ts';
import { cohortReport, type CohortReport } from './cohorts.ts';
import { ltvReport, type LtvReport } from './ltv.ts';
import { addDays, daysIn, japanToday } from './periods.ts';
import { japanDate, storeIds, tags, who } from './route-schemas.ts';
import { fileAnswer } from '../../platform/http/schemas.ts';

const monthOf = japanDate.describe('A Japan date (Asia/Tokyo), YYYY-MM-DD; its month is what counts');
const stores = storeIds();
const cohortRange = z
  .object({
    from: monthOf.optional().describe('First cohort month (a date in it); default 11 months before this one'),
    to: monthOf.optional().describe('Last cohort month (a date in it); default this month'),
    stores,
  })
  .transform((q) => {
    const to = q.to ?? japanToday();
    return { from: q.from ?? `${addDays(`${to.slice(0, 7)}-01`, -320).slice(0, 7)}-01`, to, stores: q.stores };
  })
  .refine((q) => q.from <= q.to, { message: 'from_after_to', path: ['to'] })
  .refine((q) => q.from > q.to || daysIn(q) <= 3700, { message: 'range_too_long', path: ['to'] });

const cell = z.object({
  since: z.number().int().describe('Months since the first-purchase month'),
  buyers: z.number().int(),
  retention: z.number().describe('buyers ÷ the cohort’s members'),
  net: z.number().int().describe('The month’s net sales of the cohort, tax included, returns deducted'),
  netExcl: z.number().int(),
  cumulativePerMember: z.number().int().describe('Cumulative net to this month ÷ members, tax included'),
  cumulativePerMemberExcl: z.number().int(),
});
const cohortSchema = z.object({
  from: z.string(),
  to: z.string(),
  locationIds: z.array(z.string()).nullable(),
  through: z.string().describe('The last month of the grid, YYYY-MM'),
  cohorts: z.array(z.object({ month: z.string(), members: z.number().int(), cells: z.array(cell) })),
});
const ltvGroup = z.object({
  key: z.string().describe('The channel, tier or cohort month ("" when unknown)'),
  members: z.number().int(),
  orders: z.number().int(),
  net: z.number().int().describe('Historical net revenue, tax included, returns deducted'),
  netExcl: z.number().int(),
  netPerMember: z.number().int(),
  netExclPerMember: z.number().int(),
  ordersPerMember: z.number(),
  averageBasket: z.number().int(),
});
const ltvSchema = z.object({
  from: z.string(),
  to: z.string(),
  locationIds: z.array(z.string()).nullable(),
  total: ltvGroup,
  byChannel: z.array(ltvGroup),
  byTier: z.array(ltvGroup),
  byCohort: z.array(ltvGroup),
});

const csvHeaders = (name: string) => ({
  'content-type': 'text/csv; charset=utf-8',
  'content-disposition': `attachment; filename="${name}"`,
  'cache-control': 'no-store',
});

const CHANNELS: Record<string, string> = { web: 'ウェブ', app: 'アプリ', store: '店舗', line: 'LINE', '': '不明' };
const TIERS: Record<string, string> = { regular: 'レギュラー', silver: 'シルバー', gold: 'ゴールド', '': '不明' };

/** The cohort grid as CSV: one row per cohort × month since. No personal data. */
export function cohortCsv(r: CohortReport): string {
  const rows = r.cohorts.flatMap((c) => c.cells.map((x) => ({ month: c.month, members: c.members, ...x })));
  return toCsv(rows, {
    month: '初回購入月',
    members: '会員数',
    since: '経過月数',
    buyers: '購入会員数',
    retention: '継続率',
    net: '純売上（税込）',
    netExcl: '純売上（税抜）',
    cumulativePerMember: '一人あたり累計（税込）',
    cumulativePerMemberExcl: '一人あたり累計（税抜）',
  });
}

/** The LTV tables as CSV: one row per group. No personal data. */
export function ltvCsv(r: LtvReport): string {
  const rows = [
    { dim: '合計', ...r.total, key: '全体' },
    ...r.byChannel.map((g) => ({ dim: '初回チャネル', ...g, key: CHANNELS[g.key] ?? g.key })),
    ...r.byTier.map((g) => ({ dim: 'ランク', ...g, key: TIERS[g.key] ?? g.key })),
    ...r.byCohort.map((g) => ({ dim: '初回購入月', ...g })),
  ];
  return toCsv(rows, {
    dim: '区分',
    key: '値',
    members: '会員数',
    orders: '注文数',
    net: '累計純売上（税込）',
    netExcl: '累計純売上（税抜）',
    netPerMember: '一人あたりLTV（税込）',
    netExclPerMember: '一人あたりLTV（税抜）',
    ordersPerMember: '一人あたり注文数',
    averageBasket: '平均客単価',
  });
}

/** `/api/analytics/cohorts`, `/api/analytics/ltv` and their CSVs: read from the rollups. */
// Reports of kept rollups: lag-tolerant, so on `read` (the replica when there is one; server.ts).
export const cohortRoutes =
  (read: Db): FastifyPluginAsyncZod =>
  async (app) => {
    const input = (q: z.infer<typeof cohortRange>) => ({ from: q.from, to: q.to, locationIds: q.stores });
    app.get(
      '/api/analytics/cohorts',
      {
        schema: {
          tags,
          summary: 'Monthly first-purchase cohorts × months since: retention and cumulative net value per member',
          description: who,
          querystring: cohortRange,
          response: { 200: cohortSchema },
        },
      },
      async (req) => cohortReport(read, req.principal, input(req.query)),
    );
    app.get(
      '/api/analytics/cohorts/export.csv',
      {
        schema: {
          tags,
          summary: 'The cohort grid as CSV; UTF-8 with BOM',
          description: who,
          querystring: cohortRange,
          response: { 200: fileAnswer('text/csv', 'The table as CSV') },
        },
      },
      async (req, reply) => {
        const r = await cohortReport(read, req.principal, input(req.query));
        return reply.headers(csvHeaders(`cohorts-${r.from}-${r.to}.csv`)).send(cohortCsv(r));
      },
    );
    app.get(
      '/api/analytics/ltv',
      {
        schema: {
          tags,
          summary: 'Historical net revenue per member by acquisition channel, tier and cohort',
          description: who,
          querystring: cohortRange,
          response: { 200: ltvSchema },
        },
      },
      async (req) => ltvReport(read, req.principal, input(req.query)),
    );
    app.get(
      '/api/analytics/ltv/export.csv',
      {
        schema: {
          tags,
          summary: 'The LTV tables as CSV; UTF-8 with BOM',
          description: who,
          querystring: cohortRange,
          response: { 200: fileAnswer('text/csv', 'The table as CSV') },
        },
      },
      async (req, reply) => {
        const r = await ltvReport(read, req.principal, input(req.query));
        return reply.headers(csvHeaders(`ltv-${r.from}-${r.to}.csv`)).send(ltvCsv(r));
      },
    );
  };
