import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { segmentRules } from './segment-rules.ts';
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

const segmentView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  rules: segmentRules,
  createdAt: z.string(),
  updatedAt: z.string(),
});
const name = z.string().trim().min(1).max(100);
const description = z.string().max(1000);

export const engagementRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['segments'];
    app.get(
      '/api/segments',
      {
        schema: {
          tags,
          summary: 'Saved segments, last changed first',
          description: hq,
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
          description: `${hq} The rules are checked as for a preview; a store a rule names must exist.`,
          body: z.object({ name, description: description.optional(), rules: segmentRules }),
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
          description: `${hq} Evaluated afresh over every member's web, app and store history.`,
          body: z.object({ rules: segmentRules }),
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
      async (req) => previewSegment(db, req.principal, req.body.rules),
    );
    app.get(
      '/api/segments/:id',
      { schema: { tags, summary: 'One segment', description: hq, params: idParam, response: { 200: segmentView } } },
      async (req) => getSegment(db, req.principal, req.params.id),
    );
    app.patch(
      '/api/segments/:id',
      {
        schema: {
          tags,
          summary: 'Rename a segment or change its rules',
          description: hq,
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
      { schema: { tags, summary: 'Delete a segment', description: hq, params: idParam, response: { 204: z.null() } } },
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
  };
