import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../auth.ts';
import type { Database } from '../db/connection.ts';
import { defineProblems, DomainError, type CodesOf } from '../errors.ts';
import { canBackUp, makeBackup } from './backup.ts';
import { fileAnswer } from '../http/schemas.ts';

export const backupProblems = defineProblems({
  'platform.backup_use_pg_dump': {
    status: 409,
    ja: {
      title: 'このサーバーではバックアップを作れません',
      detail:
        'データは PostgreSQL サーバーにあります。pg_dump（論理バックアップ）またはベースバックアップと WAL アーカイブ（PITR）で取得してください（docs/backup.md）。',
    },
    en: {
      title: 'Back up the Postgres server instead',
      detail:
        'The data lives on the PostgreSQL server: use pg_dump (logical backup) or a base backup with WAL archiving (PITR); see docs/backup.md.',
    },
  },
  'platform.backup_unavailable': {
    status: 409,
    ja: {
      title: 'バックアップするファイルがありません',
      detail: 'このサーバーのデータベースはメモリー上にあり、ファイルとしては保存されていません。',
    },
    en: { title: 'Nothing to back up', detail: 'This server’s database lives in memory, not in a DATA_DIR.' },
  },
});

/** GET /api/backup: the owner downloads an online backup of the embedded database (docs/backup.md). */
export const backupRoutes =
  (database: Database, opts: { version: string; mediaDir?: string | undefined }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/backup',
      {
        schema: {
          tags: ['platform'],
          summary:
            'Online backup of the embedded database (owner): a .tar.gz that `npm run restore` turns into a fresh DATA_DIR',
          description:
            'Owner only. Every query waits while the database files are copied (under a second for the demo chain). On a Postgres server: 409, use pg_dump.',
          response: { 200: fileAnswer('application/gzip', 'The backup (.tar.gz)', 'binary') },
        },
      },
      async (req, reply) => {
        requireRole(req.principal, 'owner');
        if (database.kind !== 'pglite') throw new DomainError('platform.backup_use_pg_dump');
        if (!canBackUp(database)) throw new DomainError('platform.backup_unavailable');
        const { stream, manifest } = await makeBackup(database, opts.version, { mediaDir: opts.mediaDir });
        req.log.info({ pausedMs: manifest.pausedMs, schema: manifest.migrations.at(-1) }, 'backup started');
        const stamp = manifest.createdAt.replace(/[-:]/g, '').replace(/\..*$/, '');
        return reply
          .header('content-type', 'application/gzip')
          .header('content-disposition', `attachment; filename="musubi-backup-${stamp}.tar.gz"`)
          .header('cache-control', 'no-store')
          .send(stream);
      },
    );
  };

declare module '../errors.ts' {
  interface ProblemCodes extends CodesOf<typeof backupProblems> {}
}
