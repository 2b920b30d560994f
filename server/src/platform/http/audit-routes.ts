import { cursorParam } from './schemas.ts';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../db/connection.ts';
import { searchAudit } from '../audit.ts';

const auditRow = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string(),
  locationId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});

/** The audit trail for the owner: who read, changed or exported whose data, and who created value by hand. */
export const auditRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/audit',
      {
        schema: {
          tags: ['audit'],
          summary:
            'The audit trail, newest first: profile reads, changes, exports, hand-made points and wallet entries, store settings (owner)',
          querystring: z.object({
            actor: z.string().max(100).optional(),
            action: z.string().max(100).optional(),
            subjectId: z.string().max(100).optional(),
            locationId: z.string().max(100).optional().describe('Acts at, or settings of, this store'),
            from: z.iso.datetime({ offset: true }).optional(),
            to: z.iso.datetime({ offset: true }).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            cursor: cursorParam,
          }),
          response: { 200: z.object({ items: z.array(auditRow), nextCursor: z.string().nullable() }) },
        },
      },
      async (req) =>
        searchAudit(db, req.principal, {
          ...req.query,
          from: req.query.from ? new Date(req.query.from) : undefined,
          to: req.query.to ? new Date(req.query.to) : undefined,
        }),
    );
  };
