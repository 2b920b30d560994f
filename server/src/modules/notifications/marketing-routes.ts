import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { followClick, readUnsubscribeToken, unsubscribe, type LinkKeys } from './links.ts';
import { subscribePush, unsubscribePush } from './push.ts';
import type { VapidKeys } from './vapid.ts';
import { callers } from '../../platform/http/openapi.ts';
import { fileAnswer } from '../../platform/http/schemas.ts';

const channelJa: Record<string, string> = { email: 'メール', line: 'LINE', push: 'プッシュ通知', sms: 'SMS' };

/** The small page an unsubscribe link opens: no script, no style (the site's CSP), one button. */
function page(title: string, body: string): string {
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * What marketing messages need over HTTP: Web Push subscriptions (the app), the click-through of a message's
 * link, and the one-click unsubscribe of e-mails (RFC 8058). The last two answer without a session: their
 * tokens are signed for one member (links.ts).
 */
export const marketingRoutes =
  (
    db: Db,
    opts: { keys: LinkKeys; vapid: Pick<VapidKeys, 'publicKey'>; allowLoopbackHttp: boolean },
  ): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['notifications'];
    // Mail providers POST `List-Unsubscribe=One-Click` as a form; so does the confirmation page. Only here.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );

    app.get(
      '/api/push/public-key',
      {
        schema: {
          security: callers.anyone,
          tags,
          summary: 'The server’s VAPID public key (applicationServerKey for PushManager.subscribe)',
          response: { 200: z.object({ publicKey: z.string() }) },
        },
      },
      async () => ({ publicKey: opts.vapid.publicKey }),
    );
    const endpoint = z.string().min(10).max(2000);
    app.post(
      '/api/account/push-subscriptions',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Receive Web Push on this browser (also records push marketing consent)',
          description:
            'The PushSubscription as the browser gives it (toJSON): an https endpoint and its p256dh and auth keys.',
          body: z.object({
            endpoint,
            keys: z.object({ p256dh: z.string().min(1).max(200), auth: z.string().min(1).max(100) }),
          }),
          response: { 201: z.object({ id: z.string(), createdAt: z.string() }) },
        },
      },
      async (req, reply) =>
        reply
          .code(201)
          .send(
            await subscribePush(
              db,
              req.principal,
              { ...req.body, userAgent: req.headers['user-agent'] },
              { allowLoopbackHttp: opts.allowLoopbackHttp },
            ),
          ),
    );
    app.delete(
      '/api/account/push-subscriptions',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Stop Web Push on this browser',
          body: z.object({ endpoint }),
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await unsubscribePush(db, req.principal, req.body.endpoint);
        return reply.code(204).send(null);
      },
    );

    // The token is a query parameter: it carries the link, longer than a path parameter may be.
    app.get(
      '/api/r',
      {
        config: { ownAuth: true },
        schema: {
          security: callers.anyone,
          tags,
          summary: 'A marketing message’s link: counts her click (once per channel) and redirects on this site',
          querystring: z.object({ t: z.string().min(1).max(4000) }),
          response: { 302: z.null().describe('To the link, on this site (Location)') },
        },
      },
      async (req, reply) => {
        const link = await followClick(db, opts.keys, req.query.t);
        return reply.header('cache-control', 'no-store').redirect(link, 302);
      },
    );

    const unsubscribeQuery = z.object({ t: z.string().min(1).max(500) });
    app.get(
      '/api/unsubscribe',
      {
        config: { ownAuth: true },
        schema: {
          security: callers.anyone,
          tags,
          summary: 'The unsubscribe link’s page: asks to confirm (a GET changes nothing; link scanners follow GETs)',
          querystring: unsubscribeQuery,
          response: { 200: fileAnswer('text/html', 'A page asking to confirm') },
        },
      },
      async (req, reply) => {
        const { channel } = readUnsubscribeToken(opts.keys, req.query.t);
        const name = channelJa[channel] ?? channel;
        const html = page(
          `${name}でのお知らせの停止`,
          `<p>${name}でのお知らせ（キャンペーンやクーポンのご案内）の配信を停止します。ご注文に関するご連絡は引き続きお送りします。</p>` +
            `<form method="post" action="/api/unsubscribe?t=${escapeAttr(encodeURIComponent(req.query.t))}">` +
            `<input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">配信を停止する</button></form>`,
        );
        return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
      },
    );
    app.post(
      '/api/unsubscribe',
      {
        // No session, no CSRF token: a mail provider posts it, or her mail app's browser; the token is the proof.
        config: { ownAuth: true, public: true },
        schema: {
          security: callers.anyone,
          tags,
          summary: 'One-click unsubscribe (RFC 8058): withdraws that channel’s marketing consent, no session needed',
          description:
            'The token is signed for one member and channel. Mail providers POST `List-Unsubscribe=One-Click`; any body is accepted.',
          querystring: unsubscribeQuery,
          response: { 200: fileAnswer('text/html', 'A page saying it is done') },
        },
      },
      async (req, reply) => {
        const { channel } = await inTransaction(db, (tx) => unsubscribe(tx, opts.keys, req.query.t));
        const name = channelJa[channel] ?? channel;
        const html = page(
          '配信を停止しました',
          `<p>${name}でのお知らせの配信を停止しました。再開はマイページの「お知らせの受け取り設定」からいつでもできます。</p>`,
        );
        return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
      },
    );
  };
