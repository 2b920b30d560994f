/**
 * The notifications module's public face. It ranks at the top: no module imports it; the composition root
 * (server.ts) hands its channels (e-mail, LINE, webhooks) to the delivery engine and subscribes it to the
 * order events it turns into messages.
 */
export { smtpChannel } from './email.ts';
export { lineChannel, lineText } from './line.ts';
export { webhookChannel } from './webhooks.ts';
export { notifyOrderEvents } from './notifier.ts';
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
