import { api, newIdempotencyKey } from './api/client';
import type { TrackedEvent } from './api/types';
import { deviceId } from './device';

/**
 * What the shop tells the server about browsing (見た商品・検索), for the member's timeline and the
 * clienteling card. Fire-and-forget: events wait up to FLUSH_MS in a queue and go in one request; a
 * failure costs a few events, never the page. When the tab is hidden the queue goes at once with
 * `keepalive`, so a view just before closing the tab still arrives.
 */
const FLUSH_MS = 2_000;
const MAX_BATCH = 20;
/** A queue that could not be sent (offline) is kept, but not without limit. */
const MAX_QUEUE = 100;

type Payloads = {
  product_viewed: { productId: string; variantId?: string };
  searched: { q: string; resultCount?: number };
  cart_updated: { variantId: string; quantity: number };
  favorited: { productId: string; variantId?: string; removed?: boolean };
};

let queue: TrackedEvent[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;
let inFlight: Promise<void> = Promise.resolve();

export function track<T extends keyof Payloads>(type: T, payload: Payloads[T]): void {
  // The event id is the server's idempotency key: a batch sent twice is counted once.
  queue.push({
    id: `ev-${newIdempotencyKey()}`,
    type,
    occurredAt: new Date().toISOString(),
    channel: 'web',
    deviceId: deviceId(),
    payload,
  });
  if (queue.length > MAX_QUEUE) queue = queue.slice(-MAX_QUEUE);
  if (queue.length >= MAX_BATCH) void flushEvents();
  else timer ??= setTimeout(() => void flushEvents(), FLUSH_MS);
}

/** Send what is queued now (sign-up and login await it, so the anonymous views arrive before the stitch). */
export function flushEvents(opts: { keepalive?: boolean } = {}): Promise<void> {
  clearTimeout(timer);
  timer = undefined;
  const batch = queue.splice(0, MAX_BATCH);
  if (!batch.length) return inFlight;
  inFlight = inFlight.then(async () => {
    try {
      const { response } = await api.POST('/api/events', { body: { events: batch }, keepalive: !!opts.keepalive });
      // Only a lost connection, a busy server or a rate limit is worth another try; other 4xx will not change.
      if (response.status >= 500 || response.status === 429) requeue(batch);
    } catch {
      requeue(batch);
    }
  });
  if (queue.length) void flushEvents(opts);
  return inFlight;
}

function requeue(batch: TrackedEvent[]) {
  queue = [...batch, ...queue].slice(-MAX_QUEUE);
  timer ??= setTimeout(() => void flushEvents(), FLUSH_MS * 5);
}

if (typeof document !== 'undefined') {
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void flushEvents({ keepalive: true });
  });
}
