import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { apiScopes } from '../../platform/api-scopes.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { createApiToken, listApiTokens, revokeApiToken } from './api-tokens.ts';

const tags = ['staff'];

const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  hint: z.string().describe('`mat_…abcd`: the last four characters, to recognise it; never the token'),
  scopes: z.array(z.enum(apiScopes)),
  createdBy: z.string(),
  createdByName: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable().describe('Its last use, to within a minute; null if never used'),
});

/** API トークン: the owner's tokens for integrations (api-tokens.ts). */
export const apiTokenRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/api-tokens',
      {
        schema: {
          tags,
          summary: 'The live API tokens, with their scopes and last use (owner)',
          response: { 200: z.object({ items: z.array(apiTokenSchema) }) },
        },
      },
      async (req) => ({ items: await listApiTokens(db, req.principal) }),
    );
    app.post(
      '/api/api-tokens',
      {
        schema: {
          tags,
          summary: 'Create an API token for an integration (owner, signed in): the token is answered this once',
          description:
            'Send it as `Authorization: Bearer mat_…`. It acts as the owner who created it, as she is now, and only within its scopes; ' +
            'only a hash is stored, so a lost token cannot be shown again: revoke it and create another.',
          body: z.object({
            name: z.string().trim().min(1).max(100),
            scopes: z.array(z.enum(apiScopes)).min(1).max(apiScopes.length),
          }),
          response: {
            201: apiTokenSchema.extend({ token: z.string().describe('The token: shown once, never again') }),
          },
        },
      },
      async (req, reply) => reply.code(201).send(await createApiToken(db, req.principal, req.body)),
    );
    app.delete(
      '/api/api-tokens/:id',
      {
        schema: {
          tags,
          summary: 'Revoke an API token: refused from its next request on (owner)',
          params: idParam,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await revokeApiToken(db, req.principal, req.params.id);
        return reply.code(204).send(null);
      },
    );
  };
