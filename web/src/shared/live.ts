import { useCallback, useEffect, useRef, useState } from 'react';
import type { StockEvent } from './api/types';
import type { OrderEvent } from '../orders/types';

export type LiveState = 'connecting' | 'open' | 'offline';

interface StreamOptions {
  variantIds?: string[];
  locationIds?: string[];
  /** Staff token: EventSource cannot send headers, so it travels as ?token=. */
  token?: string | null;
  /** Called after a reconnect, when events may have been missed: refetch what is shown. */
  onResync?: () => void;
}

/**
 * Follow `event: stock` on /api/stream. The browser reconnects on its own (the server sends retry: 3000);
 * this hook reports the state so a screen can say whether its numbers are live.
 */
export function useStockStream(opts: StreamOptions, onStock: (event: StockEvent) => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const handlers = useRef({ onStock, onResync: opts.onResync });
  handlers.current = { onStock, onResync: opts.onResync };

  const params = new URLSearchParams({ topics: 'stock' });
  if (opts.variantIds?.length) params.set('variantIds', [...opts.variantIds].sort().join(','));
  if (opts.locationIds?.length) params.set('locationIds', [...opts.locationIds].sort().join(','));
  if (opts.token) params.set('token', opts.token);
  const enabled = !!(opts.variantIds?.length || opts.locationIds?.length);
  const url = `/api/stream?${params}`;

  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource(url);
    let opened = false;
    setState('connecting');
    source.onopen = () => {
      setState('open');
      if (opened) handlers.current.onResync?.();
      opened = true;
    };
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
    source.addEventListener('stock', (e) => {
      try {
        handlers.current.onStock(JSON.parse((e as MessageEvent<string>).data) as StockEvent);
      } catch {
        /* a malformed event is skipped; the next one carries the full level again */
      }
    });
    return () => source.close();
  }, [url, enabled]);

  return state;
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
      setTimeout(() => setStamps((s) => (s[key] === at ? Object.fromEntries(Object.entries(s).filter(([k]) => k !== key)) : s)), ms);
    },
    [ms],
  );
  return { flash, stamp: (key: string) => stamps[key] };
}

/**
 * Follow `event: order` on /api/stream?topics=order (the store's live preparation board): staff hear the
 * orders of their stores, optionally narrowed to `locationIds`. Same reconnect handling as the stock stream.
 */
export function useOrderStream(opts: { locationIds: string[]; token?: string | null; onResync?: () => void }, onOrder: (event: OrderEvent) => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const handlers = useRef({ onOrder, onResync: opts.onResync });
  handlers.current = { onOrder, onResync: opts.onResync };

  const params = new URLSearchParams({ topics: 'order' });
  if (opts.locationIds.length) params.set('locationIds', [...opts.locationIds].sort().join(','));
  if (opts.token) params.set('token', opts.token);
  const url = `/api/stream?${params}`;

  useEffect(() => {
    const source = new EventSource(url);
    let opened = false;
    setState('connecting');
    source.onopen = () => {
      setState('open');
      if (opened) handlers.current.onResync?.();
      opened = true;
    };
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
    source.addEventListener('order', (e) => {
      try {
        handlers.current.onOrder(JSON.parse((e as MessageEvent<string>).data) as OrderEvent);
      } catch {
        /* a malformed event is skipped; the poll catches up */
      }
    });
    return () => source.close();
  }, [url]);

  return state;
}
