/** Engagement's public face: segments (and, next, campaigns and triggers) over the unified customer. */
export { engagementRoutes } from './routes.ts';
export { previewSegment, getSegment, type SegmentView, type SegmentPreview } from './segments.ts';
export { compileSegment, RFM_DAYS } from './segment-sql.ts';
export { segmentRules, rfmGroups, channelMixes, type SegmentRules, type Condition } from './segment-rules.ts';
export { exportCampaignSends } from './personal-data.ts';
