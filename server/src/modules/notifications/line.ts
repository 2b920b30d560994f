import { createHash } from 'node:crypto';
import { DeliveryError, type Channel } from '../../platform/outbox.ts';
import { notificationKinds, type NotificationKind } from './schema.ts';
import { inboxText } from './notifier.ts';

/** The text of a LINE message for an order notice: the inbox's title and body, as people read them in the chat. */
export function lineText(template: string, payload: Record<string, unknown>): string | undefined {
  if (!(notificationKinds as readonly string[]).includes(template)) return undefined;
  const { title, body } = inboxText(template as NotificationKind, payload as Parameters<typeof inboxText>[1]);
  // A campaign's link, or a service reminder's order page (notices from orders carry no url).
  const url = typeof payload.url === 'string' && payload.url ? `\n${payload.url}` : '';
  return `【Musubi】${title}\n${body}${url}`.slice(0, 5000); // LINE's text message limit
}

/** A stable UUID per outbox message: LINE's X-Line-Retry-Key, so a retried push is not delivered twice. */
export function retryKey(outboxId: number): string {
  const h = createHash('sha256').update(`musubi-outbox-${outboxId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Channel 'line': order notices to members who linked LINE (LINE Messaging API, `POST /v2/bot/message/push`
 * with the channel access token). One lane for the one API. A non-2xx answer throws, so the message is
 * retried; LINE answers 409 to a retry key it has already accepted, which counts as delivered; a 400 (no such
 * user, bad message) will not get better and is a dead letter at once.
 */
export function lineChannel(opts: {
  token: string;
  apiUrl?: string | undefined;
  fetch?: typeof fetch;
  timeoutMs?: number;
  concurrency?: number;
}): Channel {
  const doFetch = opts.fetch ?? fetch;
  const url = `${(opts.apiUrl ?? 'https://api.line.me').replace(/\/$/, '')}/v2/bot/message/push`;
  return {
    lane: 'channel',
    concurrency: opts.concurrency ?? 4,
    send: async (m, { signal }) => {
      const text = lineText(m.template, m.payload);
      if (!text) return; // nothing we know how to say on LINE
      const res = await doFetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${opts.token}`,
          'x-line-retry-key': retryKey(m.id),
        },
        body: JSON.stringify({ to: m.recipient, messages: [{ type: 'text', text }] }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(opts.timeoutMs ?? 10_000)]),
      });
      await res.body?.cancel().catch(() => {});
      if (!res.ok && res.status !== 409)
        throw new DeliveryError(`LINE push answered HTTP ${res.status}`, {
          status: res.status,
          permanent: res.status === 400,
        });
    },
  };
}
