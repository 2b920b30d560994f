/** Engagement's public face: segments, campaigns sent once, and trigger campaigns (always on). */
export { engagementRoutes } from './routes.ts';
export { lineWebhookRoutes, lineSignatureValid } from './line-webhook.ts';
export { previewSegment, getSegment, type SegmentView, type SegmentPreview } from './segments.ts';
export { compileSegment, RFM_DAYS } from './segment-sql.ts';
export { segmentRules, rfmGroups, channelMixes, type SegmentRules, type Condition } from './segment-rules.ts';
export { exportCampaignSends, eraseCampaignDetails } from './personal-data.ts';
export { restockRoutes } from './restock-routes.ts';
export {
  exportRestockWishes,
  eraseRestockWishes,
  restockWishesMergeStep,
  restockRequestsSql,
} from './restock-wishes.ts';
export {
  triggerSubscriptions,
  triggerJobs,
  triggerKinds,
  triggerConfig,
  type TriggerConfig,
} from './triggers/kinds.ts';
export { fireTrigger, type Firing } from './triggers/engine.ts';
export { sendDueCampaigns } from './schedule.ts';
export { keepRfmGrid } from './rfm-grid.ts';
