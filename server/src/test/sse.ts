/** One SSE frame as a browser's EventSource parses it (`data` JSON-decoded; comments dropped). */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: unknown;
  retry?: number;
}

export interface SseStream {
  /** Every frame so far, in order. */
  frames: SseFrame[];
  /** Frames that carry an event (what EventSource dispatches). */
  events(): Array<{ event: string; data: unknown; id?: string }>;
  /** The id a browser would send back as Last-Event-ID. */
  lastEventId(): string | undefined;
  /** Resolves once `test` holds for the frames, rejects after `timeoutMs`. */
  waitFor(test: (frames: SseFrame[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Open an SSE stream with fetch and parse it frame by frame, as a test's stand-in for EventSource. */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const ctrl = new AbortController();
  const res = await fetch(url, { signal: ctrl.signal, headers: { accept: 'text/event-stream', ...headers } });
  if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
  const frames: SseFrame[] = [];
  let lastId: string | undefined;
  const waiters = new Set<() => void>();
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const ended = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let idx: number;
        while ((idx = buffer.indexOf('\n\n')) >= 0) {
          const frame = parseFrame(buffer.slice(0, idx));
          buffer = buffer.slice(idx + 2);
          if (frame.id !== undefined) lastId = frame.id;
          if (Object.keys(frame).length) frames.push(frame);
        }
        for (const wake of waiters) wake();
      }
    } catch {
      /* aborted by close(), or the connection was cut: either way the stream has ended */
    } finally {
      for (const wake of waiters) wake();
    }
  })();
  let isEnded = false;
  void ended.finally(() => (isEnded = true));
  return {
    frames,
    events: () =>
      frames.filter((f) => f.event !== undefined && f.data !== undefined) as Array<{
        event: string;
        data: unknown;
        id?: string;
      }>,
    lastEventId: () => lastId,
    ended,
    close: () => ctrl.abort(),
    waitFor: (test, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (test(frames)) return finish();
          if (isEnded) return finish(new Error(`stream ended before the frames awaited: ${JSON.stringify(frames)}`));
        };
        const timer = setTimeout(
          () => finish(new Error(`timed out waiting; frames so far: ${JSON.stringify(frames)}`)),
          timeoutMs,
        );
        function finish(err?: Error) {
          clearTimeout(timer);
          waiters.delete(check);
          if (err) reject(err);
          else resolve();
        }
        waiters.add(check);
        check();
      }),
  };
}

function parseFrame(block: string): SseFrame {
  const frame: SseFrame = {};
  let data: string | undefined;
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') frame.id = value;
    else if (field === 'event') frame.event = value;
    else if (field === 'retry') frame.retry = Number(value);
    else if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
  }
  if (data !== undefined) frame.data = JSON.parse(data);
  return frame;
}
