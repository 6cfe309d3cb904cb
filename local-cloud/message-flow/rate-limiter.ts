/** Per-key token buckets: `burst` messages at once, refilled at `perSecond`. */
export interface RateLimit {
  /** Sustained messages per second per device. Default 20. */
  perSecond: number;
  /** Messages a device may send at once after being quiet. Default 200. */
  burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 20, burst: 200 };

export function createRateLimiter(limit: RateLimit, now: () => number, maxKeys = 100_000) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    /** Takes one token for `key`; false when the key is over its limit. */
    take(key: string): boolean {
      const t = now();
      let b = buckets.get(key);
      if (!b) {
        if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value as string);
        b = { tokens: limit.burst, at: t };
        buckets.set(key, b);
      }
      b.tokens = Math.min(limit.burst, b.tokens + ((t - b.at) / 1000) * limit.perSecond);
      b.at = t;
      if (b.tokens < 1) return false;
      b.tokens -= 1;
      return true;
    },
  };
}
