/**
 * Token buckets in this process's memory, one per key (an IP address, a device id). We chose memory over
 * the database because there is no table for counters (and counting recent rows of customer_events
 * would count by occurred_at, which the client sets). The trade-off, stated plainly: each app copy keeps
 * its own buckets, so N copies behind a load balancer allow N times the rate, and a restart forgets.
 * That is enough to stop a runaway script or a replay loop; a determined attacker is the edge proxy's job.
 */
export interface BucketRule {
  /** Events a key may send at once (the bucket's size). */
  burst: number;
  /** Events per second that flow back in. */
  perSecond: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly rule: BucketRule,
    /** Keys remembered at most; the least recently used are forgotten first (memory stays bounded). */
    private readonly maxKeys = 100_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Seconds until `cost` tokens are there for `key` (0 = now). Takes nothing. */
  waitSeconds(key: string, cost: number): number {
    const tokens = this.tokens(key, this.clock());
    if (tokens >= cost) return 0;
    return Math.max(1, Math.ceil((Math.min(cost, this.rule.burst) - tokens) / this.rule.perSecond));
  }

  /** Take `cost` tokens from `key` (may go below zero: call waitSeconds first). */
  take(key: string, cost: number): void {
    const now = this.clock();
    const tokens = this.tokens(key, now);
    // Map keeps insertion order: re-inserting marks the key as recently used.
    this.buckets.delete(key);
    this.buckets.set(key, { tokens: tokens - cost, at: now });
    if (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
  }

  private tokens(key: string, now: number): number {
    const found = this.buckets.get(key);
    return found
      ? Math.min(this.rule.burst, found.tokens + ((now - found.at) / 1000) * this.rule.perSecond)
      : this.rule.burst;
  }
}

export interface IngestLimits {
  /** Per client IP address, for callers without a staff token. */
  perIp: BucketRule;
  /** Per device id (anonymous) or per customer (customer token). */
  perSender: BucketRule;
}

/**
 * A shop's web client flushes a few dozen events every few seconds; an app back from a day offline may
 * flush a thousand at once. Several shoppers can share one address (a carrier's NAT, a store's Wi-Fi),
 * hence the larger IP bucket.
 */
export const defaultIngestLimits: IngestLimits = {
  perIp: { burst: 5000, perSecond: 100 },
  perSender: { burst: 1000, perSecond: 10 },
};
