import { useCallback, useEffect, useRef, useState } from 'react';
import type { OrderEvent, StockEvent } from './api/types';

export type LiveState = 'connecting' | 'open' | 'offline';

interface StreamOptions {
  variantIds?: string[];
  locationIds?: string[];
  /** Called when events may have been missed: refetch what is shown. */
  onResync?: () => void;
}

/** A stream that failed for good (the balancer answered 502 during a deploy, say) is opened again after these pauses (the last one repeating). */
const REOPEN_MS = [2000, 5000, 10_000, 30_000];

/**
 * One EventSource on `url`, calling `handlers[event]` with each event's parsed data.
 *
 * The browser reconnects by itself after a network error and sends its Last-Event-ID; the server then
 * replays what was missed, or sends `event: resync` when it cannot (another app copy, or a gap in its
 * database connection), and `onResync` refetches. When the browser gives up instead (an error answer),
 * the stream is opened again after a pause, and `onResync` runs once it is back: a new stream has no
 * Last-Event-ID, so nothing tells what went by.
 *
 * The stream's events are not in the OpenAPI document, so the typed client cannot check them: each
 * follower casts `data` to the shape the server publishes (StockEvent, OrderEvent in api/types.ts).
 */
function useEventStream(
  url: string,
  enabled: boolean,
  handlers: Record<string, (data: unknown) => void>,
  onResync: (() => void) | undefined,
): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const latest = useRef({ handlers, onResync });
  latest.current = { handlers, onResync };
  const events = Object.keys(handlers).sort().join(',');

  useEffect(() => {
    if (!enabled) return;
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    const open = (reopened: boolean) => {
      source = new EventSource(url);
      setState('connecting');
      source.onopen = () => {
        setState('open');
        failures = 0;
        if (reopened) latest.current.onResync?.();
        reopened = false;
      };
      source.onerror = () => {
        if (source?.readyState !== EventSource.CLOSED) return setState('connecting');
        setState('offline');
        source.close();
        retry = setTimeout(
          () => open(true),
          REOPEN_MS[Math.min(failures++, REOPEN_MS.length - 1)]! * (1 + Math.random() / 2),
        );
      };
      source.addEventListener('resync', () => latest.current.onResync?.());
      for (const name of events.split(',')) {
        source.addEventListener(name, (e: MessageEvent<string>) => {
          let data: unknown;
          try {
            data = JSON.parse(e.data);
          } catch {
            return; /* a malformed event is skipped; the next one carries the full state again */
          }
          latest.current.handlers[name]?.(data);
        });
      }
    };
    open(false);
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }, [url, enabled, events]);

  return state;
}

/**
 * Follow `event: stock` on /api/stream. The hook reports the state so a screen can say whether its
 * numbers are live; `onResync` is called whenever changes may have been missed.
 */
export function useStockStream(opts: StreamOptions, onStock: (event: StockEvent) => void): LiveState {
  const params = new URLSearchParams({ topics: 'stock' });
  if (opts.variantIds?.length) params.set('variantIds', [...opts.variantIds].sort().join(','));
  if (opts.locationIds?.length) params.set('locationIds', [...opts.locationIds].sort().join(','));
  const enabled = !!(opts.variantIds?.length || opts.locationIds?.length);
  return useEventStream(
    `/api/stream?${params}`,
    enabled,
    { stock: (data) => onStock(data as StockEvent) },
    opts.onResync,
  );
}

/**
 * Rows that just changed: `flash(key)` marks one for a moment; `stamp(key)` goes into the row's React key
 * so the CSS animation starts again on every change.
 */
export function useFlash(ms = 2000) {
  const [stamps, setStamps] = useState<Record<string, number>>({});
  const flash = useCallback(
    (key: string) => {
      const at = Date.now();
      setStamps((s) => ({ ...s, [key]: at }));
      setTimeout(
        () => setStamps((s) => (s[key] === at ? Object.fromEntries(Object.entries(s).filter(([k]) => k !== key)) : s)),
        ms,
      );
    },
    [ms],
  );
  return { flash, stamp: (key: string) => stamps[key] };
}

/**
 * Follow `event: order` on /api/stream?topics=order (the store's live preparation board): staff hear the
 * orders of their stores, optionally narrowed to `locationIds`. Same reconnect and resync handling as the stock stream.
 */
export function useOrderStream(
  opts: { locationIds: string[]; onResync?: () => void },
  onOrder: (event: OrderEvent) => void,
): LiveState {
  const params = new URLSearchParams({ topics: 'order' });
  if (opts.locationIds.length) params.set('locationIds', [...opts.locationIds].sort().join(','));
  return useEventStream(`/api/stream?${params}`, true, { order: (data) => onOrder(data as OrderEvent) }, opts.onResync);
}

/**
 * Follow `event: cart` for one member in front of the clerk (the clienteling card): the server admits the
 * stream only with the card's scan, and says only that her cart changed, so `onChange` reads it again.
 */
export function useCartStream(
  opts: { customerId: string; locationId: string; scanId: string; onResync?: () => void },
  onChange: () => void,
): LiveState {
  const params = new URLSearchParams({
    topics: 'cart',
    customerIds: opts.customerId,
    locationIds: opts.locationId,
    scanId: opts.scanId,
  });
  return useEventStream(`/api/stream?${params}`, true, { cart: () => onChange() }, opts.onResync);
}
