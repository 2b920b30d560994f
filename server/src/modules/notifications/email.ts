import { createRequire } from 'node:module';
import { DeliveryError, type Channel } from '../../platform/outbox.ts';
import { renderMail } from './templates.ts';

/**
 * RFC 8058 one-click unsubscribe for a campaign e-mail: her signed https address (marketing.ts puts it in the
 * payload when PUBLIC_URL is set); mail providers POST `List-Unsubscribe=One-Click` to it. RFC 8058 wants
 * https, so an http site (development) gets only the link in the text.
 */
function listUnsubscribe(payload: Record<string, unknown>): Record<string, string> {
  const url = payload.unsubscribeUrl;
  if (typeof url !== 'string' || !url.startsWith('https://')) return {};
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

export interface SmtpOptions {
  url: string;
  from: string;
  /** Connect, greeting and socket-idle limit for one attempt (the dispatcher's own limit is the backstop). */
  timeoutMs?: number;
  /** Mails in flight at once to the one SMTP server. */
  concurrency?: number;
  /** The shop's name in the subject, greeting and signature (the business's name, read per mail); 'Musubi' if empty. */
  brand?: () => Promise<string>;
}

/**
 * Channel 'email' when SMTP_URL is set (smtp://user:pass@host:port, smtps:// for implicit TLS; nodemailer
 * upgrades smtp:// with STARTTLS when the server offers it). Every e-mail goes through the one SMTP server,
 * so the channel is one lane: a server that accepts and never answers holds at most `concurrency` sends,
 * each for at most `timeoutMs`, and nothing else waits on it. A template we cannot render is a dead letter
 * at once; an SMTP error is retried.
 */
export function smtpChannel(opts: SmtpOptions): Channel & { close(): void } {
  const t = opts.timeoutMs ?? 10_000;
  // Loaded here, not at import: most servers send no e-mail, and nodemailer is ~0.2 s of a restart.
  const nodemailer = createRequire(import.meta.url)('nodemailer') as typeof import('nodemailer');
  const transport = nodemailer.createTransport({
    url: opts.url,
    connectionTimeout: t,
    greetingTimeout: t,
    socketTimeout: t,
    dnsTimeout: t,
  });
  return {
    lane: 'channel',
    concurrency: opts.concurrency ?? 4,
    send: async (m) => {
      const brand = opts.brand ? await opts.brand() : '';
      const mail = renderMail(m.template, m.payload, brand || undefined);
      if (!mail) throw new DeliveryError(`no e-mail template '${m.template}'`, { permanent: true });
      try {
        await transport.sendMail({
          from: opts.from,
          to: m.recipient,
          subject: mail.subject,
          text: mail.text,
          // One Message-ID per outbox message: a receiving server that saw it already can tell a retry.
          messageId: `<outbox-${m.id}@musubi>`,
          headers: { 'X-Musubi-Outbox': String(m.id), ...listUnsubscribe(m.payload) },
        });
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        // 5xx is the server refusing this message for good (no such mailbox, rejected); 4xx and network errors pass.
        throw new DeliveryError(`SMTP: ${(err as Error).message}`, {
          status: code,
          permanent: code !== undefined && code >= 500 && code < 600,
        });
      }
    },
    close: () => transport.close(),
  };
}
