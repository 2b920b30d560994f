/**
 * The notifications module's public face. The composition root (server.ts) hands its channels (e-mail,
 * LINE, Web Push, webhooks) to the delivery engine, registers its routes and subscribes it to the order
 * events it turns into messages; engagement queues campaigns' messages through `queueMarketing`.
 */
export { smtpChannel } from './email.ts';
export { lineChannel, lineText } from './line.ts';
export { webhookChannel, syncWebhookDemand } from './webhooks.ts';
export { webhookDocs, webhookEventNames, webhookEventTypes, type WebhookEventType } from './webhook-events.ts';
export { publishToIntegrations, natsMessageId } from './integrations.ts';
export { natsChannel, NATS_STREAM, type NatsChannel } from './jetstream.ts';
export { jaDateTime } from './templates.ts';
export { notifyAppointmentEvents } from './appointment-notices.ts';
export { notifyOrderEvents, sendServiceMessage, type ServiceMessage } from './notifier.ts';
export { eraseNotices, exportNotices } from './personal-data.ts';
export {
  marketingProgress,
  queueMarketing,
  withConsentCheck,
  type MarketingMessage,
  type MarketingQueued,
} from './marketing.ts';
export { pushChannel, pushMergeStep, subscribePush, unsubscribePush, isPushEndpoint } from './push.ts';
export { ensureVapidKeys, vapidSubject, type VapidKeys } from './vapid.ts';
export { linkKeys, clickPath, unsubscribePath, type LinkKeys } from './links.ts';
export { marketingRoutes } from './marketing-routes.ts';
