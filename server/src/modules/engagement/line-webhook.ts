import { createHmac, timingSafeEqual } from 'node:crypto';
import { lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import {
  OFFER_TTL_MS,
  answerFollow,
  answerPostback,
  answerText,
  unfollowed,
  type LineChatDeps,
  type LineMessage,
} from './line-chat.ts';
import { lineChatOffers, lineWebhookEvents } from './schema.ts';
import { callers } from '../../platform/http/openapi.ts';

/** A webhook event id is remembered this long: LINE redelivers within minutes, a replayed capture is refused all day. */
const REMEMBER_MS = 86400_000;
/** The reply API is called after the events are recorded, outside any transaction, and given this long. */
const REPLY_TIMEOUT_MS = 5_000;

/** `x-line-signature`: base64 of HMAC-SHA256 over the raw body with the channel secret; compared in constant time. */
export function lineSignatureValid(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(header, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const source = z.object({ type: z.string().max(20), userId: z.string().max(64).optional() }).passthrough();
const event = z
  .object({
    type: z.string().max(40),
    webhookEventId: z.string().min(1).max(64),
    replyToken: z.string().max(200).optional(),
    source: source.optional(),
    message: z
      .object({ type: z.string().max(20), text: z.string().max(5000).optional() })
      .passthrough()
      .optional(),
    postback: z
      .object({ data: z.string().max(300) })
      .passthrough()
      .optional(),
    deliveryContext: z.object({ isRedelivery: z.boolean() }).passthrough().optional(),
  })
  .passthrough();
const webhookBody = z.object({ destination: z.string().max(64).optional(), events: z.array(event).max(100) });
type LineEvent = z.infer<typeof event>;

export interface LineWebhookOptions extends LineChatDeps {
  /** The Messaging API channel secret (LINE_CHANNEL_SECRET); unset → the webhook answers 404 (not offered here). */
  channelSecret: string | undefined;
  /** The channel access token for the reply API; unset → replies are written to the log. */
  accessToken: string | undefined;
  apiUrl: string;
  fetch?: typeof fetch;
}

/**
 * Remember an event id; false when it was already seen (a redelivery or a replay). Old ids, and chat offers
 * past their hour (they name a LINE user: kept no longer than they are useful), are dropped as we go.
 */
async function firstSight(db: Db, id: string): Promise<boolean> {
  await db.delete(lineWebhookEvents).where(lt(lineWebhookEvents.receivedAt, new Date(Date.now() - REMEMBER_MS)));
  await db.delete(lineChatOffers).where(lt(lineChatOffers.offeredAt, new Date(Date.now() - OFFER_TTL_MS)));
  const rows = await db
    .insert(lineWebhookEvents)
    .values({ webhookEventId: id })
    .onConflictDoNothing()
    .returning({ id: lineWebhookEvents.webhookEventId });
  return rows.length === 1;
}

async function handle(db: Db, opts: LineChatDeps, e: LineEvent): Promise<LineMessage[]> {
  const userId = e.source?.type === 'user' ? e.source.userId : undefined;
  if (!userId) return []; // groups and rooms are not served
  if (e.type === 'message' && e.message?.type === 'text' && e.message.text)
    return answerText(db, opts, userId, e.message.text);
  if (e.type === 'postback' && e.postback) return answerPostback(db, opts, userId, e.postback.data);
  if (e.type === 'follow') return answerFollow(db, opts, userId);
  if (e.type === 'unfollow') await unfollowed(db, userId);
  return [];
}

async function reply(opts: LineWebhookOptions, log: FastifyBaseLogger, replyToken: string, messages: LineMessage[]) {
  if (!opts.accessToken) {
    log.info({ replyToken, messages }, 'LINE reply (no LINE_CHANNEL_ACCESS_TOKEN: not sent)');
    return;
  }
  try {
    const res = await (opts.fetch ?? fetch)(`${opts.apiUrl.replace(/\/$/, '')}/v2/bot/message/reply`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.accessToken}` },
      body: JSON.stringify({ replyToken, messages: messages.slice(0, 5) }),
      signal: AbortSignal.timeout(REPLY_TIMEOUT_MS),
    });
    await res.body?.cancel().catch(() => {});
    if (!res.ok) log.warn({ status: res.status }, 'LINE reply refused');
  } catch (err) {
    log.warn({ err }, 'LINE reply failed'); // a reply token is single-use and short-lived: no retry
  }
}

/**
 * `POST /api/line/webhook`: the LINE official account's webhook. Public, but only LINE can sign the body: a
 * missing or wrong `x-line-signature` is 401. Each event is acted on once (its webhookEventId remembered);
 * answers go out through the reply API after the event's own writes are done.
 */
export const lineWebhookRoutes =
  (db: Db, opts: LineWebhookOptions): FastifyPluginAsyncZod =>
  async (app) => {
    // The signature is over the exact bytes LINE sent: keep them (in this plugin only).
    app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 1_000_000 }, (_req, body, done) =>
      done(null, body),
    );
    app.post(
      '/api/line/webhook',
      {
        config: { public: true },
        schema: {
          security: callers.anyone,
          tags: ['engagement'],
          summary: 'LINE official account webhook (signed by LINE: x-line-signature)',
          description:
            'Stock questions (「在庫 ジャケット」), holds from the chat (「取り置き 1」 or a postback button), follow/unfollow. Each webhookEventId is handled once.',
          headers: z.object({ 'x-line-signature': z.string().max(200).optional() }).passthrough(),
          response: { 200: z.object({ handled: z.number().int(), duplicates: z.number().int() }) },
        },
      },
      async (req) => {
        if (!opts.channelSecret) throw new DomainError('engagement.line_not_configured', {});
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        if (!lineSignatureValid(opts.channelSecret, raw, req.headers['x-line-signature']))
          throw new DomainError('engagement.line_bad_signature', {});
        let parsed: z.infer<typeof webhookBody>;
        try {
          parsed = webhookBody.parse(JSON.parse(raw.toString('utf8')));
        } catch {
          throw new DomainError('engagement.line_bad_webhook', {});
        }
        let handled = 0;
        let duplicates = 0;
        for (const e of parsed.events) {
          if (!(await firstSight(db, e.webhookEventId))) {
            duplicates++;
            continue;
          }
          let messages: LineMessage[];
          try {
            messages = await handle(db, opts, e);
          } catch (err) {
            // Forget it, so LINE's redelivery gets another go.
            await db.delete(lineWebhookEvents).where(sql`${lineWebhookEvents.webhookEventId} = ${e.webhookEventId}`);
            throw err;
          }
          handled++;
          if (messages.length && e.replyToken) await reply(opts, req.log, e.replyToken, messages);
        }
        return { handled, duplicates };
      },
    );
  };
