import nodemailer from 'nodemailer';
import type { Deliver } from '../../platform/outbox.ts';
import { renderMail } from './templates.ts';

/**
 * The outbox deliverer for channel 'email' when SMTP_URL is set (smtp://user:pass@host:port, smtps://
 * for implicit TLS; nodemailer upgrades smtp:// with STARTTLS when the server offers it). A template we
 * cannot render, or an SMTP error, throws: the outbox records it and retries.
 */
export function smtpDeliverer(smtpUrl: string, from: string): Deliver & { close(): void } {
  const transport = nodemailer.createTransport(smtpUrl);
  const deliver = async (m: Parameters<Deliver>[0]) => {
    const mail = renderMail(m.template, m.payload);
    if (!mail) throw new Error(`no e-mail template '${m.template}'`);
    await transport.sendMail({ from, to: m.recipient, subject: mail.subject, text: mail.text, headers: { 'X-Musubi-Outbox': String(m.id) } });
  };
  return Object.assign(deliver, { close: () => transport.close() });
}
