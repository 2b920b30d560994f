import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { importKinds, importStatuses } from './schema.ts';
import { checkImport, getImport, importView, listImports, startImport } from './jobs.ts';

/** Largest upload: 50,000 product rows are ~5 MB of CSV. */
const MAX_FILE_BYTES = 30 * 1024 * 1024;

const counts = z.object({
  create: z.number().int().describe('Rows that add a new record'),
  update: z.number().int().describe('Rows that change a record'),
  unchanged: z.number().int().describe('Rows already as the file says'),
  error: z.number().int().describe('Rows refused'),
});

export const importSchema = z
  .object({
    id: z.string().describe('imp_…'),
    kind: z.enum(importKinds),
    fileName: z.string(),
    encoding: z.string().describe('utf-8, utf-8-bom or cp932 (Shift_JIS), as detected'),
    status: z
      .enum(importStatuses)
      .describe('checked (dry run, ready), refused (row errors), running, done, failed (run again to resume)'),
    totalRows: z.number().int(),
    processedRows: z.number().int().describe('Rows written so far by the run'),
    counts: counts.describe('The dry run: what the run would do'),
    result: counts.describe('What the run has done so far'),
    errorCount: z.number().int(),
    errors: z
      .array(
        z.object({
          line: z.number().int().describe('Line of the file (1 = the header)'),
          column: z.string().describe('The header of the refused cell ("" for the whole row)'),
          code: z.string().describe('Stable reason code'),
          message: z.string().describe('The reason, in the language asked for'),
        }),
      )
      .describe('Row errors (the first 1,000)'),
    createdAt: z.date(),
    startedAt: z.date().nullable(),
    finishedAt: z.date().nullable(),
  })
  .describe('A CSV import: its dry run and its progress');

export const importRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/imports',
      {
        bodyLimit: Math.ceil(MAX_FILE_BYTES * 1.4),
        schema: {
          tags: ['imports'],
          summary: 'Upload a CSV and check it (dry run): counts to create, update, leave; every row error (owner/hq)',
          description:
            'The file is UTF-8 (with or without BOM) or Shift_JIS (CP932), detected. Nothing is written but the import record; run it with POST /api/imports/{id}/run. See docs/integrations.md for the columns of each kind.',
          body: z.object({
            kind: z.enum(importKinds),
            fileName: z.string().trim().min(1).max(200),
            content: z
              .string()
              .min(1)
              .max(Math.ceil(MAX_FILE_BYTES * 1.37))
              .describe('The CSV file, base64'),
          }),
          response: { 201: importSchema },
        },
      },
      async (req, reply) => {
        const content = Buffer.from(req.body.content, 'base64');
        if (!content.length || !/^[A-Za-z0-9+/=\s]+$/.test(req.body.content.slice(0, 1000)))
          throw new DomainError('import.bad_content');
        const job = await checkImport(db, req.principal, { ...req.body, content });
        return reply.code(201).send(importView(job, req.lang));
      },
    );

    app.get(
      '/api/imports',
      {
        schema: {
          tags: ['imports'],
          summary: 'The latest 50 imports (owner/hq)',
          response: { 200: z.object({ items: z.array(importSchema) }) },
        },
      },
      async (req) => ({ items: (await listImports(db, req.principal)).map((j) => importView(j, req.lang)) }),
    );

    app.get(
      '/api/imports/:id',
      {
        schema: {
          tags: ['imports'],
          summary: 'An import: its dry run and the run’s progress (owner/hq)',
          params: idParam,
          response: { 200: importSchema },
        },
      },
      async (req) => importView(await getImport(db, req.principal, req.params.id), req.lang),
    );

    app.post(
      '/api/imports/:id/run',
      {
        schema: {
          tags: ['imports'],
          summary: 'Run a checked import, or resume one that stopped (owner/hq); 202, then poll its progress',
          description:
            'A file with row errors is refused whole (422, nothing written). Running again a done import changes nothing; a running one is left to its worker.',
          params: idParam,
          response: { 202: importSchema },
        },
      },
      async (req, reply) => {
        const { job, run } = await startImport(db, req.principal, req.params.id);
        run?.catch((err: unknown) => req.log.error({ err, importId: job.id }, 'import run failed'));
        return reply.code(202).send(importView(job, req.lang));
      },
    );
  };
