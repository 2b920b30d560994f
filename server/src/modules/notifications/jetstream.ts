import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { FastifyBaseLogger } from 'fastify';
import { DeliveryError, type Channel } from '../../platform/outbox.ts';

/** The stream every event goes to, on subjects `musubi.<event>`. */
export const NATS_STREAM = 'MUSUBI';
export const NATS_SUBJECTS = 'musubi.>';

export interface NatsChannel extends Channel {
  /** Drain and close the connection (shutdown). */
  close(): Promise<void>;
}

/**
 * Channel 'nats': each outbox row (recipient = the subject) published to NATS JetStream with the event's id as
 * `Nats-Msg-Id`, so a row published twice (a crash before its record, a lost ack) is stored once within the
 * stream's duplicate window. Sent by the dispatcher after commit like every message: NATS being down holds no
 * request and loses no event — the rows wait in the outbox and are retried (every 5 s doubling to a minute,
 * never given up). The connection is made on the first send and again whenever it is lost; the stream
 * MUSUBI on `musubi.>` is created if it is missing.
 */
export function natsChannel(opts: {
  url: string;
  timeoutMs?: number;
  log?: FastifyBaseLogger | undefined;
}): NatsChannel {
  const timeoutMs = opts.timeoutMs ?? 5000;
  let ready: Promise<{ nc: NatsConnection; js: JetStreamClient }> | undefined;

  const open = async () => {
    // The client is loaded with the first connection, not at start (~0.13 s of a restart).
    const [{ jetstream, jetstreamManager }, { connect }] = await Promise.all([
      import('@nats-io/jetstream'),
      import('@nats-io/transport-node'),
    ]);
    const nc = await connect({
      servers: opts.url,
      name: 'musubi',
      timeout: timeoutMs,
      maxReconnectAttempts: -1,
    });
    try {
      const jsm = await jetstreamManager(nc, { timeout: timeoutMs });
      await jsm.streams.info(NATS_STREAM).catch(async () => {
        await jsm.streams.add({
          name: NATS_STREAM,
          subjects: [NATS_SUBJECTS],
          // Redeliveries after a long outage come later than the default 2 minutes: dedupe over an hour.
          duplicate_window: 3600 * 1e9,
        });
      });
    } catch (err) {
      await nc.close().catch(() => {});
      throw err;
    }
    void nc.closed().then(() => {
      ready = undefined;
    });
    opts.log?.info({ url: redact(opts.url) }, 'nats: connected; publishing events to JetStream');
    return { nc, js: jetstream(nc, { timeout: timeoutMs }) };
  };

  return {
    lane: 'channel',
    concurrency: 8,
    maxAttempts: Number.MAX_SAFE_INTEGER,
    backoffMs: (attempts) => Math.min(5000 * 2 ** Math.max(0, attempts - 1), 60_000),
    send: async (m) => {
      try {
        ready ??= open();
        const { js } = await ready.catch((err: unknown) => {
          ready = undefined;
          throw err;
        });
        const id = String(m.payload.id);
        await js.publish(m.recipient, JSON.stringify(m.payload), { msgID: id, timeout: timeoutMs });
      } catch (err) {
        throw new DeliveryError(`nats: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
    close: async () => {
      const current = ready;
      ready = undefined;
      if (!current) return;
      const { nc } = await current.catch(() => ({ nc: undefined }));
      await nc?.drain().catch(() => {});
    },
  };
}

/** The URL without its credentials, for the log. */
function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
