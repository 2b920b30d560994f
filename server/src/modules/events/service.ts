/** The timeline's public face: what other modules and the routes use. */
export { recordFact, recordFactOnce, type Fact } from './record.ts';
export { eventChannels, type EventChannel } from './schema.ts';
export {
  claimDeviceEvents,
  moveCustomerEvents,
  moveCustomerEventsBack,
  exportCustomerEvents,
  eraseCustomerEvents,
} from './per-customer.ts';
export { ingestEvents, IngestLimiter, MAX_PAYLOAD_BYTES, type IngestResult } from './ingest.ts';
export {
  customerTimeline,
  myTimeline,
  readTimeline,
  type TimelineItem,
  type TimelinePage,
  type TimelineQuery,
} from './timeline.ts';
export { assertCustomerExists } from './customers.ts';
export { clientEventTypes, interestEventTypes, onlineChannels, payloadSchemas, type ClientEventType } from './types.ts';
export { defaultIngestLimits, TokenBuckets, type IngestLimits, type BucketRule } from './rate-limit.ts';
export { assertCustomerInContext, isCustomerInContext, CONTEXT } from './context.ts';
export { viewersSql, categoryViewersSql, lastStoreVisitSql, storeVisitsSql, memberInterestsSql } from './audience.ts';
export { productViewsSql } from './product-views.ts';
