import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { requireCustomer } from '../../platform/auth.ts';
import type { Db } from '../../platform/db/connection.ts';
import { lineAuthorizeUrl, lineLinked, linkLine, unlinkLine, type LineLoginOptions } from './line-login.ts';

/** The shop page LINE sends her back to (web: /account/line reads code and state, then POSTs them). */
export const LINE_CALLBACK_PATH = '/account/line';

/**
 * Linking LINE to her membership (LINE Login): start (the authorize URL), finish (code + state from the
 * callback page), see, and unlink. Her own session only.
 */
export const lineLoginRoutes =
  (db: Db, opts: LineLoginOptions & { publicUrl: string | undefined }): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['account'];
    const redirectUri = (req: FastifyRequest) =>
      `${opts.publicUrl ?? `${req.protocol}://${req.host}`}${LINE_CALLBACK_PATH}`;
    app.get(
      '/api/account/line',
      {
        schema: {
          tags,
          summary: 'Whether my LINE account is linked (and whether this shop offers LINE linking)',
          response: { 200: z.object({ linked: z.boolean(), available: z.boolean() }) },
        },
      },
      async (req) => ({
        linked: await lineLinked(db, requireCustomer(req.principal).customerId),
        available: Boolean(opts.channelId && opts.channelSecret),
      }),
    );
    app.post(
      '/api/account/line/authorize',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Start linking LINE: the LINE Login page to send the browser to',
          description:
            'The URL carries a state signed for this member and session (10 minutes) and a nonce. `marketing`: she ticked 「LINEでお知らせを受け取る」.',
          body: z.object({ marketing: z.boolean().default(false) }),
          response: { 200: z.object({ url: z.string() }) },
        },
      },
      async (req) => ({
        url: lineAuthorizeUrl(opts, requireCustomer(req.principal), {
          redirectUri: redirectUri(req),
          marketing: req.body.marketing,
        }),
      }),
    );
    app.post(
      '/api/account/line/link',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Finish linking LINE with the code and state LINE returned',
          description:
            'The code is traded for tokens at LINE and the ID token verified (signature, issuer, audience, expiry, nonce); 409 when that LINE account is another member’s.',
          body: z.object({ code: z.string().min(1).max(512), state: z.string().min(1).max(1024) }),
          response: { 200: z.object({ linked: z.literal(true), marketing: z.boolean() }) },
        },
      },
      async (req) => linkLine(db, opts, requireCustomer(req.principal), { ...req.body, redirectUri: redirectUri(req) }),
    );
    app.delete(
      '/api/account/line',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Unlink my LINE account (LINE marketing consent is withdrawn too)',
          response: { 204: z.null().describe('Unlinked') },
        },
      },
      async (req, reply) => {
        await unlinkLine(db, requireCustomer(req.principal).customerId);
        return reply.code(204).send(null);
      },
    );
  };
